"""A user's personal ring sequence: read, set, clear (presence owns it; routing applies it)."""

from __future__ import annotations

from fastapi import APIRouter
from smartnumbers_kit.http import errors

from smartnumbers_presence.http.colleagues import PRIVATE_READ, require_reading_everything_of
from smartnumbers_presence.http.deps import App, CurrentPrincipal, Published, subject_user
from smartnumbers_presence.http.routes import UserId
from smartnumbers_presence.http.sequence_schemas import RingSequence, RingSequenceBody

router = APIRouter(prefix="/v1", tags=["presence"])
READ = errors(403, 404, s403=PRIVATE_READ, s404="No such user in your organisation")
CHANGE = errors(
    404,
    409,
    s404="No such user in your organisation",
    s409="Changed at the same moment by someone else: try again",
)


@router.get(
    "/users/{user_id}/ring-sequence",
    response_model=RingSequence,
    summary="A user's ring sequence (theirs and their administrators' to read)",
    responses=READ,
)
def read_ring_sequence(principal: CurrentPrincipal, app: App, user_id: str = UserId) -> RingSequence:
    target = subject_user(principal, user_id)
    require_reading_everything_of(principal, target, "ring sequence")
    return RingSequence.of(app.presence_of(principal.organisation_id, target))


@router.put(
    "/users/{user_id}/ring-sequence",
    response_model=RingSequence,
    summary="Set the ring sequence used while Available (empty steps: none)",
    responses=CHANGE,
)
def set_ring_sequence(
    body: RingSequenceBody, principal: CurrentPrincipal, app: App, published: Published, user_id: str = UserId
) -> RingSequence:
    target = subject_user(principal, user_id)
    principal.require_acting_for(target)
    app.set_ring_sequence(principal.organisation_id, target, body.as_steps())
    published()
    return RingSequence.of(app.presence_of(principal.organisation_id, target))
