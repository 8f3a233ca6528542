"""The administrator's work (§1.1, §3.7): the organisation, its users, its teams and queues."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts.directory import LocationNumberKind
from smartnumbers_directory.domain.organisation import Organisation
from smartnumbers_directory.domain.password import DEFAULT_MIN_LENGTH
from smartnumbers_directory.domain.team import Team
from smartnumbers_directory.domain.user import Role, User
from smartnumbers_directory.use_cases.base import DirectoryBase
from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.errors import Conflict, Invalid, NotFound

CLAIMED_USER_NUMBERS = ("smartnumber", "mailbox_number")


class People(DirectoryBase):
    def configure_organisation(
        self, organisation_id: str, name: str, default_country: str, password_min_length: int | None = None
    ) -> None:
        def command() -> list[Any]:
            found = self._maybe(Organisation.create_id(organisation_id))
            if found is None:
                return [
                    Organisation.configure(
                        organisation_id, name, default_country, password_min_length or DEFAULT_MIN_LENGTH
                    )
                ]
            found.reconfigure(name, default_country, password_min_length or found.password_min_length)
            return [found]

        self.run_command(command, key=f"organisation:{organisation_id}")

    def set_location_policy(self, organisation_id: str, allowed: list[LocationNumberKind]) -> None:
        def command() -> list[Any]:
            found = self._maybe(Organisation.create_id(organisation_id))
            if found is None:
                raise NotFound(f"there is no organisation {organisation_id!r}")
            found.set_location_policy(allowed)
            return [found]

        self.run_command(command, key=f"organisation:{organisation_id}")

    def found_organisation(
        self,
        organisation_id: str,
        name: str,
        default_country: str,
        password_min_length: int,
        admin_id: str,
        admin_profile: dict[str, Any],
        admin_password: str,
    ) -> None:
        """A new organisation and its first administrator, in one transaction (the admin CLI)."""

        def command() -> list[Any]:
            if self._maybe(Organisation.create_id(organisation_id)) is not None:
                raise Conflict(f"the organisation {organisation_id!r} already exists")
            organisation = Organisation.configure(organisation_id, name, default_country, password_min_length)
            profile = self._profile(default_country, admin_profile)
            admin = User.register(
                organisation_id,
                admin_id,
                profile,
                Role.ADMIN,
                admin_password,
                hasher=self.hasher,
                min_length=password_min_length,
            )
            return [
                organisation,
                admin,
                *self._claims(organisation_id, "user", admin_id, _claimed(profile), {}),
            ]

        self.run_command(command, key=f"organisation:{organisation_id}")

    # -- users -----------------------------------------------------------------------
    def create_user(
        self, organisation_id: str, user_id: str, profile: dict[str, Any], role: Role, initial_password: str
    ) -> None:
        organisation = self.organisation(organisation_id)
        profile = self._profile(organisation.default_country, profile)

        def command() -> list[Any]:
            if self._maybe(User.create_id(organisation_id, user_id)) is not None:
                raise Conflict(f"the user id {user_id!r} is already taken in your organisation")
            user = User.register(
                organisation_id,
                user_id,
                profile,
                role,
                initial_password,
                hasher=self.hasher,
                min_length=organisation.password_min_length,
            )
            return [user, *self._claims(organisation_id, "user", user_id, _claimed(profile), {})]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def update_user(
        self, organisation_id: str, user_id: str, changes: dict[str, Any], role: Role | None = None
    ) -> None:
        def command() -> list[Any]:
            user = self.user(organisation_id, user_id)
            country = self.organisation(organisation_id).default_country
            profile = self._profile(country, {**user.profile, **changes})
            claims = self._claims(organisation_id, "user", user_id, _claimed(profile), _claimed(user.profile))
            user.change_profile(profile)
            if role is not None:
                user.change_role(role)
            vips = self._refresh_vips(organisation_id, f"user:{user_id}", lambda _holder: user.numbers())
            return [user, *claims, *vips]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def choose_web_preferences(self, organisation_id: str, user_id: str, preferences: dict[str, Any]) -> None:
        def command() -> list[Any]:
            user = self.user(organisation_id, user_id)
            user.choose_web_preferences(preferences)
            return [user]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def remove_user(self, organisation_id: str, user_id: str) -> None:
        """The user goes, their numbers are freed, and they leave every team and queue."""

        def command() -> list[Any]:
            user = self.user(organisation_id, user_id)
            claims = self._claims(organisation_id, "user", user_id, {}, _claimed(user.profile))
            teams = [self.team(organisation_id, t) for t in self._teams_with_member(organisation_id, user_id)]
            for team in teams:
                team.redefine({**team.definition, "members": [m for m in team.members if m != user_id]})
            user.remove()
            vips = self._refresh_vips(organisation_id, f"user:{user_id}", lambda _holder: [])
            return [user, *claims, *teams, *vips]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def set_active_teams(self, organisation_id: str, user_id: str, teams: list[str]) -> None:
        """Which of the teams and queues the user belongs to they take calls for (§3.7)."""

        def command() -> list[Any]:
            user = self.user(organisation_id, user_id)
            for team_id in teams:
                if user_id not in self.team(organisation_id, team_id).members:
                    raise Invalid(
                        f"{user_id!r} is not a member of the team {team_id!r}: add them to it first"
                    )
            user.make_active_in(teams)
            return [user]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    @staticmethod
    def _profile(country: str, profile: dict[str, Any]) -> dict[str, Any]:
        profile = {"time_zone": "Europe/London", "language": "en", **profile}
        for field in ("first_name", "last_name", "email"):
            profile.setdefault(field, None)
        for field in ("smartnumber", "mailbox_number", "sms_number"):
            number = profile.get(field)
            profile[field] = to_e164(number, country, what=field.replace("_", " ")) if number else None
        return profile

    # -- teams and queues ------------------------------------------------------------------
    def team(self, organisation_id: str, team_id: str) -> Team:
        found = self._maybe(Team.create_id(organisation_id, team_id))
        if found is None or found.removed:
            raise NotFound(f"there is no team or queue {team_id!r} in your organisation")
        return found

    def define_team(
        self, organisation_id: str, team_id: str, definition: dict[str, Any], *, new: bool
    ) -> None:
        definition = {
            **definition,
            "smartnumber": self._e164(organisation_id, definition.get("smartnumber"), "team's smartnumber"),
        }

        def command() -> list[Any]:
            for member in definition["members"]:
                self.user(organisation_id, member)
            existing = self._maybe(Team.create_id(organisation_id, team_id))
            if new and existing is not None:
                raise Conflict(f"the team id {team_id!r} is already taken in your organisation")
            old = (
                {} if new else {"smartnumber": self.team(organisation_id, team_id).definition["smartnumber"]}
            )
            claims = self._claims(
                organisation_id, "team", team_id, {"smartnumber": definition["smartnumber"]}, old
            )
            if new:
                return [Team.define(organisation_id, team_id, definition), *claims]
            team = self.team(organisation_id, team_id)
            dropped = self._leave(organisation_id, team_id, set(team.members) - set(definition["members"]))
            team.redefine(definition)
            return [team, *claims, *dropped]

        self.run_command(command, key=f"{organisation_id}/team/{team_id}")

    def remove_team(self, organisation_id: str, team_id: str) -> None:
        def command() -> list[Any]:
            team = self.team(organisation_id, team_id)
            claims = self._claims(
                organisation_id, "team", team_id, {}, {"smartnumber": team.definition["smartnumber"]}
            )
            dropped = self._leave(organisation_id, team_id, set(team.members))
            team.remove()
            return [team, *claims, *dropped]

        self.run_command(command, key=f"{organisation_id}/team/{team_id}")

    def _teams_with_member(self, organisation_id: str, user_id: str) -> list[str]:
        return [
            e.id
            for e in self.projection.entries(organisation_id)
            if e.kind == "team" and user_id in (e.fields.get("members") or "").split()
        ]

    def _leave(self, organisation_id: str, team_id: str, user_ids: set[str]) -> list[User]:
        """Users leaving a team are no longer active in it."""
        changed = []
        for user_id in sorted(user_ids):
            user = self._maybe(User.create_id(organisation_id, user_id))
            if user is not None and team_id in user.active_in:
                user.make_active_in([t for t in user.active_in if t != team_id])
                changed.append(user)
        return changed


def _claimed(profile: dict[str, Any]) -> dict[str, str | None]:
    return {use: profile.get(use) for use in CLAIMED_USER_NUMBERS}
