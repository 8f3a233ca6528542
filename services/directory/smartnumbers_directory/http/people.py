"""The organisation, its users, its Virtual Teams and Queues (§1.1, §3.7): administrators change them."""

from __future__ import annotations

from fastapi import APIRouter, status
from smartnumbers_directory.http.deps import Admin, App, Id, Staff, UserId, subject_user
from smartnumbers_directory.http.schemas import (
    ActiveTeams,
    NewTeam,
    NewUser,
    OrganisationSettings,
    TeamBody,
    TeamView,
    UserChange,
    UserView,
)
from smartnumbers_kit.http import errors

router = APIRouter(prefix="/v1", tags=["people"])


@router.get("/organisation", response_model=OrganisationSettings, summary="Your organisation's settings")
def read_organisation(principal: Staff, app: App) -> OrganisationSettings:
    o = app.organisation(principal.organisation_id)
    return OrganisationSettings(
        name=o.name,
        default_country=o.default_country,
        password_min_length=o.password_min_length,
        location_number_kinds=o.location_number_kinds,
    )


@router.put(
    "/organisation", response_model=OrganisationSettings, summary="Change your organisation's settings"
)
def configure_organisation(body: OrganisationSettings, admin: Admin, app: App) -> OrganisationSettings:
    app.organisation(admin.organisation_id)
    app.configure_organisation(
        admin.organisation_id, body.name, body.default_country, body.password_min_length
    )
    if body.location_number_kinds is not None:
        app.set_location_policy(admin.organisation_id, body.location_number_kinds)
    return read_organisation(admin, app)


@router.post(
    "/users",
    response_model=UserView,
    status_code=status.HTTP_201_CREATED,
    summary="Create a user with an initial password (changed at first sign-in)",
    responses=errors(404, 409),
)
def create_user(body: NewUser, admin: Admin, app: App) -> UserView:
    profile = body.model_dump(exclude={"user_id", "role", "initial_password"}, exclude_none=True)
    app.create_user(admin.organisation_id, body.user_id, profile, body.role, body.initial_password)
    return UserView.of(app.user(admin.organisation_id, body.user_id))


@router.get("/users/{user_id}", response_model=UserView, summary="A user of your organisation")
def read_user(principal: Staff, app: App, user_id: str = UserId) -> UserView:
    return UserView.of(app.user(principal.organisation_id, subject_user(principal, user_id)))


@router.patch(
    "/users/{user_id}",
    response_model=UserView,
    summary="Change a user's profile or role",
    responses=errors(409),
)
def update_user(body: UserChange, admin: Admin, app: App, user_id: str = UserId) -> UserView:
    changes = body.model_dump(exclude_unset=True, exclude={"role"})
    target = subject_user(admin, user_id)
    app.update_user(admin.organisation_id, target, changes, body.role)
    return UserView.of(app.user(admin.organisation_id, target))


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a user")
def remove_user(admin: Admin, app: App, user_id: str = Id()) -> None:
    app.remove_user(admin.organisation_id, user_id)


@router.put(
    "/users/{user_id}/teams",
    response_model=UserView,
    summary="Which of their teams and queues a user is active in (§3.7)",
)
def set_active_teams(body: ActiveTeams, admin: Admin, app: App, user_id: str = Id()) -> UserView:
    app.set_active_teams(admin.organisation_id, user_id, body.active_in)
    return UserView.of(app.user(admin.organisation_id, user_id))


@router.post(
    "/teams",
    response_model=TeamView,
    status_code=status.HTTP_201_CREATED,
    summary="Create a Virtual Team or Virtual Queue",
    responses=errors(404, 409),
)
def create_team(body: NewTeam, admin: Admin, app: App) -> TeamView:
    app.define_team(admin.organisation_id, body.team_id, body.model_dump(exclude={"team_id"}), new=True)
    return TeamView.of(app.team(admin.organisation_id, body.team_id))


@router.get("/teams/{team_id}", response_model=TeamView, summary="A team or queue")
def read_team(principal: Staff, app: App, team_id: str = Id()) -> TeamView:
    return TeamView.of(app.team(principal.organisation_id, team_id))


@router.put(
    "/teams/{team_id}",
    response_model=TeamView,
    summary="Change a team or queue (the whole definition)",
    responses=errors(409),
)
def update_team(body: TeamBody, admin: Admin, app: App, team_id: str = Id()) -> TeamView:
    app.define_team(admin.organisation_id, team_id, body.model_dump(), new=False)
    return TeamView.of(app.team(admin.organisation_id, team_id))


@router.delete("/teams/{team_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a team or queue")
def remove_team(admin: Admin, app: App, team_id: str = Id()) -> None:
    app.remove_team(admin.organisation_id, team_id)
