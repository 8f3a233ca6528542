"""How calls are answered (user guide §3.6)."""

from __future__ import annotations

from enum import StrEnum


class Availability(StrEnum):
    AVAILABLE = "available"
    VOICEMAIL = "voicemail"
    PC_RING = "pc_ring"
    DELEGATE = "delegate"
    NO_MESSAGES = "no_messages"


class CallIntroduction(StrEnum):
    """§3.8: announce each call to the answering party, who accepts with star."""

    ON = "on"
    ON_WITH_PASSWORD = "on_with_password"
    DELEGATED_ONLY = "delegated_only"
    OFF = "off"
