"""How many SMS parts a text needs (GSM 03.38 or UCS-2), so long texts are refused with a reason."""

from __future__ import annotations

import math

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


def parts_needed(text: str) -> int:
    """1 for a text that fits one SMS; concatenated parts carry 153 GSM / 67 UCS-2 characters."""
    if is_gsm(text):
        length = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part = 160, 153
    else:
        length = len(text.encode("utf-16-be")) // 2
        single, part = 70, 67
    return 1 if length <= single else math.ceil(length / part)


def check_length(text: str, max_parts: int) -> str | None:
    """The reason a text cannot be sent, or None."""
    if not text.strip():
        return "the text is empty"
    parts = parts_needed(text)
    if parts > max_parts:
        return f"the text needs {parts} SMS parts ({len(text)} characters); at most {max_parts} are sent"
    return None
