"""What every message on the bus carries."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SUBJECT_PATTERN = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+\.v[1-9][0-9]*$")

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
]
"""An organisation, user or team identifier: 1-64 of letters, digits, '.', '_', '-'."""


class Contract(BaseModel):
    """Base of every event and command on the bus.

    ``subject`` is where it is published; ``domain`` is the JetStream stream that holds it.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    subject: ClassVar[str]
    summary: ClassVar[str] = ""

    event_id: UUID = Field(description="Unique id; consumers use it to act once")
    organisation_id: Identifier = Field(description="The organisation it belongs to")
    occurred_at: datetime = Field(description="When it happened (UTC, ISO 8601)")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        subject = cls.__dict__.get("subject")
        if subject is not None and not SUBJECT_PATTERN.match(subject):
            raise ValueError(f"{cls.__name__}.subject {subject!r} is not domain.aggregate.event.vN")

    @classmethod
    def domain(cls) -> str:
        return cls.subject.split(".", 1)[0]

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Contract:
        return cls.model_validate_json(data)
