"""Request and response bodies of the ring sequence API (kept apart from schemas.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_presence.domain.ring_sequence import MAX_SECONDS, MAX_STEPS, MIN_SECONDS, RingStep
from smartnumbers_presence.domain.user_presence import UserPresence


class RingStepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    numbers: list[str] = Field(
        max_length=3, description="Your kept numbers rung together: desk, mobile and/or home"
    )
    seconds: int = Field(description=f"How long they ring, {MIN_SECONDS} to {MAX_SECONDS} s")


class RingSequenceBody(BaseModel):
    """Steps rung one after another while you are Available; after the last, voicemail."""

    model_config = ConfigDict(extra="forbid")

    steps: list[RingStepBody] = Field(
        max_length=MAX_STEPS, description=f"At most {MAX_STEPS} steps; empty: calls ring your location"
    )

    def as_steps(self) -> list[RingStep]:
        return [(tuple(s.numbers), s.seconds) for s in self.steps]


class RingSequence(BaseModel):
    user_id: str
    steps: list[RingStepBody]
    then: str = Field(default="voicemail", description="What follows the last step")
    used: bool = Field(description="True while the sequence is used: availability Available, a location set")

    @classmethod
    def of(cls, user: UserPresence) -> RingSequence:
        return cls(
            user_id=user.user_id,
            steps=[RingStepBody(numbers=list(k), seconds=s) for k, s in user.ring_sequence],
            used=bool(user.ring_sequence) and user.availability == "available" and user.location != "none",
        )
