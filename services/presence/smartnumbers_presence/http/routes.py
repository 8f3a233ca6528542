"""Presence's REST API (user guide §3.3, §3.6, §3.7, §3.8, §7).

Anyone in an organisation may read where its users are and whether they take calls (the
directory shows it); only the user themself, an administrator or a service reads the numbers
behind it (``colleagues.py``). A user changes only their own, an administrator anyone's in
the organisation.
"""

from __future__ import annotations

from fastapi import APIRouter, Path, status
from smartnumbers_kit.bounds import PathKey
from smartnumbers_kit.http import errors

from smartnumbers_presence.domain.user_presence import UserPresence
from smartnumbers_presence.http.colleagues import reads_everything_of
from smartnumbers_presence.http.deps import App, CurrentPrincipal, Published, Watch, subject_user
from smartnumbers_presence.http.schemas import (
    AvailabilityChoice,
    BatchRead,
    CallIntroductionChoice,
    CallManagerSession,
    CallReportingChoice,
    ColleaguePresence,
    DelegateChoice,
    LocationSelection,
    NumbersChange,
    Presence,
    TeamAvailabilityChoice,
)

router = APIRouter(prefix="/v1", tags=["presence"])
UserId = Path(pattern=r"^(me|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$", description="A user id, or `me`")


def _as_seen_by(principal: CurrentPrincipal, user: UserPresence) -> Presence | ColleaguePresence:
    if reads_everything_of(principal, user.user_id):
        return Presence.of(user)
    return ColleaguePresence.of(user)


@router.get(
    "/users/{user_id}/presence",
    response_model=Presence | ColleaguePresence,
    summary="A user's presence: in full for themself and administrators, a colleague's view otherwise",
)
def read_presence(
    principal: CurrentPrincipal, app: App, user_id: str = UserId
) -> Presence | ColleaguePresence:
    user = app.presence_of(principal.organisation_id, subject_user(principal, user_id))
    return _as_seen_by(principal, user)


@router.post(
    "/presence/batch",
    response_model=list[Presence | ColleaguePresence],
    summary="Presence of many users at once (each as in GET /v1/users/{user_id}/presence)",
)
def read_many(body: BatchRead, principal: CurrentPrincipal, app: App) -> list[Presence | ColleaguePresence]:
    users = app.presence_of_many(principal.organisation_id, body.user_ids)
    return [_as_seen_by(principal, u) for u in users]


def _after_change(principal: CurrentPrincipal, app: App, target: str, published: Published) -> Presence:
    """The presence after a change, answered once the change is on the bus (read-your-writes)."""
    published()
    return Presence.of(app.presence_of(principal.organisation_id, target))


def _write(principal: CurrentPrincipal, user_id: str) -> str:
    target = subject_user(principal, user_id)
    principal.require_acting_for(target)
    return target


@router.patch("/users/{user_id}/numbers", response_model=Presence, summary="Set phone and fax numbers")
def change_numbers(
    body: NumbersChange, principal: CurrentPrincipal, app: App, published: Published, user_id: str = UserId
) -> Presence:
    target = _write(principal, user_id)
    app.change_numbers(principal.organisation_id, target, body.model_dump(exclude_unset=True))
    return _after_change(principal, app, target, published)


@router.put("/users/{user_id}/location", response_model=Presence, summary="Select a location (§3.3)")
def select_location(
    body: LocationSelection,
    principal: CurrentPrincipal,
    app: App,
    published: Published,
    user_id: str = UserId,
) -> Presence:
    target = _write(principal, user_id)
    app.select_location(principal.organisation_id, target, body.location, body.number)
    return _after_change(principal, app, target, published)


@router.put("/users/{user_id}/availability", response_model=Presence, summary="Set availability (§3.6)")
def set_availability(
    body: AvailabilityChoice,
    principal: CurrentPrincipal,
    app: App,
    published: Published,
    user_id: str = UserId,
) -> Presence:
    target = _write(principal, user_id)
    app.set_availability(principal.organisation_id, target, body.availability, body.delegate_id)
    return _after_change(principal, app, target, published)


@router.put(
    "/users/{user_id}/delegate", response_model=Presence, summary="Choose or clear the delegate (§3.6.4)"
)
def set_delegate(
    body: DelegateChoice, principal: CurrentPrincipal, app: App, published: Published, user_id: str = UserId
) -> Presence:
    target = _write(principal, user_id)
    app.set_delegate(principal.organisation_id, target, body.delegate_id)
    return _after_change(principal, app, target, published)


@router.put(
    "/users/{user_id}/team-availability", response_model=Presence, summary="Team calls on or off (§3.7)"
)
def set_team_availability(
    body: TeamAvailabilityChoice,
    principal: CurrentPrincipal,
    app: App,
    published: Published,
    user_id: str = UserId,
) -> Presence:
    target = _write(principal, user_id)
    app.set_team_availability(principal.organisation_id, target, body.available_for_team_calls)
    return _after_change(principal, app, target, published)


@router.put(
    "/users/{user_id}/call-introduction", response_model=Presence, summary="Call introduction setting (§3.8)"
)
def set_call_introduction(
    body: CallIntroductionChoice,
    principal: CurrentPrincipal,
    app: App,
    published: Published,
    user_id: str = UserId,
) -> Presence:
    target = _write(principal, user_id)
    app.set_call_introduction(principal.organisation_id, target, body.call_introduction)
    return _after_change(principal, app, target, published)


@router.put(
    "/users/{user_id}/call-reporting",
    response_model=Presence,
    summary="SMS alerts of lost and delegated calls (§3.6.6–§3.6.9)",
)
def set_call_reporting(
    body: CallReportingChoice,
    principal: CurrentPrincipal,
    app: App,
    published: Published,
    user_id: str = UserId,
) -> Presence:
    target = _write(principal, user_id)
    app.set_call_reporting(
        principal.organisation_id, target, lost_calls=body.lost_calls, delegated_calls=body.delegated_calls
    )
    return _after_change(principal, app, target, published)


@router.post(
    "/users/{user_id}/call-manager/sessions",
    response_model=CallManagerSession,
    status_code=status.HTTP_201_CREATED,
    summary="A Call Manager window connected",
    responses=errors(409),
)
def connect_call_manager(
    principal: CurrentPrincipal, app: App, published: Published, watch: Watch, user_id: str = UserId
) -> CallManagerSession:
    target = _write(principal, user_id)
    session_id = app.connect_call_manager(principal.organisation_id, target)
    watch.connected(principal.organisation_id, target, session_id)
    published()
    return CallManagerSession(session_id=session_id, heartbeat_every_seconds=watch.ttl.total_seconds() / 3)


@router.post(
    "/users/{user_id}/call-manager/sessions/{session_id}/heartbeat",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="The Call Manager window is still open",
)
def heartbeat(session_id: PathKey, principal: CurrentPrincipal, watch: Watch, user_id: str = UserId) -> None:
    target = _write(principal, user_id)
    watch.heartbeat(principal.organisation_id, target, session_id)


@router.delete(
    "/users/{user_id}/call-manager/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="The Call Manager window closed",
)
def disconnect_call_manager(
    session_id: PathKey,
    principal: CurrentPrincipal,
    app: App,
    published: Published,
    watch: Watch,
    user_id: str = UserId,
) -> None:
    target = _write(principal, user_id)
    app.disconnect_call_manager(principal.organisation_id, target, session_id)
    watch.forget(principal.organisation_id, target, session_id)
    published()
