"""What may be written to Asterisk: every AMI action and every AGI command passes through here.

AMI frames an action as ``Key: Value`` lines ended by an empty line; AGI takes one command
per line, its arguments split on spaces unless double-quoted. A value carrying CR, LF or
any other control character could end a header, an action or a command and start one of
its writer's choosing (issue 11 §2). The REST boundary validates user text to its
grammar first; this is the last line: a value that could break the framing is refused
(``UnsafeText``, a 422 if it ever reaches an HTTP answer), never sent and never "cleaned".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from smartnumbers_kit.errors import Invalid

_AMI_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_BREAKING = {"Cc", "Zl", "Zp"}  # control characters (CR, LF, NUL, ESC, NEL…), line and paragraph separators


class UnsafeText(Invalid):
    """A value that could end a header, an action or a command; nothing was sent."""


def plain(value: object, what: str = "value") -> str:
    """``value`` as text, refused if any character could break a line-based protocol."""
    text = str(value)
    if text.isprintable():  # no Cc, Zl or Zp character is printable: the common case, in C
        return text
    for c in text:
        if unicodedata.category(c) in _BREAKING:
            raise UnsafeText(
                f"{what} contains the control character {c!r}: refused, nothing sent to Asterisk"
            )
    return text


def ami_action(action: Mapping[str, object]) -> None:
    """Refuse an AMI action any of whose keys or values could break its framing."""
    for key, value in action.items():
        if not isinstance(key, str) or not _AMI_KEY.match(key):
            raise UnsafeText(f"AMI header name {key!r} is not a header name: refused, nothing sent")
        for item in value if isinstance(value, list | tuple) else [value]:
            plain(item, f"AMI header {key}")


def agi_command(command: str) -> str:
    """One AGI command line, refused if it holds a line break or other control character."""
    return plain(command, "AGI command")


def agi_word(value: object, what: str = "AGI argument") -> str:
    """An unquoted AGI argument (a file name, a variable name): no spaces, quotes or backslashes."""
    text = plain(value, what)
    if not text or any(c.isspace() or c in '"\\' for c in text):
        raise UnsafeText(f"{what} {text!r} must be one word without quotes: refused, nothing sent")
    return text


def agi_digits(value: object, what: str = "digits to say") -> str:
    """Digits for SAY DIGITS (a leading + is dropped)."""
    text = plain(value, what).removeprefix("+")
    if not text.isascii() or not text.isdigit():
        raise UnsafeText(f"{what} {text!r} are not digits: refused, nothing sent")
    return text


def agi_quoted(value: object, what: str = "AGI argument") -> str:
    """An AGI argument in double quotes, backslash and quote escaped (as res_agi parses them)."""
    text = plain(value, what)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
