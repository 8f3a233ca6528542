"""The grammar of user text the REST API takes before any of it can reach Asterisk (issue 11 §2).

Each type checks its text at the REST boundary (a 422 saying what was wrong), and documents
its pattern in the OpenAPI schema. ``wire_text`` still refuses anything that could break
AMI's or AGI's framing, should a value ever arrive another way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field

DIALLED = r"^\+?[0-9][0-9 ()./-]{0,39}$"
TARGET = r"^(user|team):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
CALL_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


def _matching(pattern: str, what: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value[:80]!r} is not {what}")
        return value

    return check


DialledNumber = Annotated[
    str,
    AfterValidator(_matching(DIALLED, "a phone number (digits, spaces, + ( ) . / - only, at most 40)")),
    Field(
        json_schema_extra={"pattern": DIALLED},
        description="A number as people write it (national numbers in the platform's country)",
    ),
]
VoicemailTarget = Annotated[
    str,
    AfterValidator(_matching(TARGET, "user:<id> or team:<id> (ids: 1-64 of letters, digits, '.', '_', '-')")),
    Field(json_schema_extra={"pattern": TARGET}, description="user:<id> or team:<id>"),
]
