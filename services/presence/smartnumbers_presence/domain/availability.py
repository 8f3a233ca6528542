"""How calls are answered (user guide §3.6)."""

from __future__ import annotations

from enum import StrEnum


class Availability(StrEnum):
    AVAILABLE = "available"
    VOICEMAIL = "voicemail"
    PC_RING = "pc_ring"
    DELEGATE = "delegate"
    NO_MESSAGES = "no_messages"
