"""The size of every input, in one place: string and list types with their limits, shared by
every service's request schemas so that the limits are the same everywhere and appear in the
OpenAPI documents (pydantic constraints become ``maxLength``/``maxItems``/``pattern``).

A value over a limit is a 422 naming the field and the limit (``String should have at most
200 characters``); a body over the service's byte limit is a 413 (``smartnumbers_kit.http``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field

MAX_NAME = 200
MAX_TEXT = 4000
MAX_NUMBER = 32
MAX_ID = 64
MAX_LIST = 1000

Name = Annotated[str, Field(max_length=MAX_NAME)]
"""A display name, a title, a department: one line of text."""
RequiredName = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
ShortText = Annotated[str, Field(max_length=100)]
LongText = Annotated[str, Field(max_length=MAX_TEXT)]
"""Free text, such as related information (§4)."""
PhoneNumber = Annotated[str, Field(max_length=MAX_NUMBER, description="A phone number, in any format")]
"""A number as a person types it (``01632 960000``, ``+44 1632 960000``); parsed by the service."""
RequiredPhoneNumber = Annotated[str, Field(min_length=1, max_length=MAX_NUMBER)]
Email = Annotated[str, Field(max_length=254)]
TimeZone = Annotated[str, Field(max_length=64, description="An IANA time zone, like Europe/London")]
Language = Annotated[str, Field(max_length=35, description="A language tag, like en-GB")]
Secret = Annotated[str, Field(min_length=1, max_length=4096)]
"""An opaque token a client hands back (refresh tokens)."""
Reference = Annotated[str, Field(pattern=r"^(user|contact|team|group):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
"""``user:<id>``, ``contact:<id>``, ``team:<id>`` or ``group:<id>``."""

PathKey = Annotated[str, Path(max_length=MAX_ID, description="An id the service gave")]
"""A path parameter naming a thing by its id (a message, a fax, a session, a list entry)."""
