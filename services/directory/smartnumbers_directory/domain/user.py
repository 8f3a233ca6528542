"""A user of an organisation: profile, role, password and sign-in failures, teams (§1.1, §2, §3.2)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from smartnumbers_directory.domain.password import (
    FAILURES_BEFORE_LOCK,
    HISTORY,
    AccountLocked,
    Hasher,
    check_rules,
    lock_duration,
)
from smartnumbers_kit.errors import Invalid

PROFILE_FIELDS = (
    "display_name",
    "first_name",
    "last_name",
    "smartnumber",
    "mailbox_number",
    "email",
    "sms_number",
    "time_zone",
    "language",
)


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class User(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, user_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:user:{organisation_id}:{user_id}")

    @classmethod
    def register(
        cls,
        organisation_id: str,
        user_id: str,
        profile: dict[str, str | None],
        role: Role,
        initial_password: str,
        *,
        hasher: Hasher,
        min_length: int,
    ) -> User:
        _check_profile(profile)
        check_rules(initial_password, min_length=min_length, own_numbers=_own_numbers(profile))
        return cls(
            organisation_id=organisation_id,
            user_id=user_id,
            profile=dict(profile),
            role=role.value,
            password_hash=hasher.hash(initial_password),
        )

    @event("Created")
    def __init__(
        self,
        organisation_id: str,
        user_id: str,
        profile: dict[str, str | None],
        role: str,
        password_hash: str,
    ) -> None:
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.profile = dict(profile)
        self.role = role
        self.password_hashes = [password_hash]
        self.must_change_password = True
        self.failures = 0
        self.locks = 0
        self.locked_until: str | None = None
        self.active_in: list[str] = []
        self.removed = False
        self.session_generation = 0
        self.web_preferences: dict[str, object] = {}

    # -- profile and role --------------------------------------------------------
    def change_profile(self, profile: dict[str, str | None]) -> None:
        _check_profile(profile)
        if profile != self.profile:
            self._profile_changed(profile=dict(profile))

    @event("ProfileChanged")
    def _profile_changed(self, profile: dict[str, str | None]) -> None:
        self.profile = dict(profile)

    def change_role(self, role: Role) -> None:
        if role.value != self.role:
            self._role_changed(role=role.value)

    @event("RoleChanged")
    def _role_changed(self, role: str) -> None:
        self.role = role

    def make_active_in(self, teams: list[str]) -> None:
        teams = sorted(set(teams))
        if teams != self.active_in:
            self._teams_changed(active_in=teams)

    @event("TeamsChanged")
    def _teams_changed(self, active_in: list[str]) -> None:
        self.active_in = list(active_in)

    # -- Web Services preferences (§6) ------------------------------------------------
    def choose_web_preferences(self, preferences: dict[str, object]) -> None:
        """The startup page and toolbars the user chose; the web checks the names, the directory
        keeps them with the user, so they follow the user to any browser."""
        if preferences != self.web_preferences:
            self._web_preferences_chosen(preferences=dict(preferences))

    @event("WebPreferencesChosen")
    def _web_preferences_chosen(self, preferences: dict[str, object]) -> None:
        self.web_preferences = dict(preferences)

    @event("Removed")
    def remove(self) -> None:
        self.removed = True

    # -- password (§3.2) ---------------------------------------------------------
    def change_password(self, new: str, *, hasher: Hasher, min_length: int) -> None:
        """The user's own change (the old password, on the web, is checked by ``sign_in`` first)."""
        check_rules(new, min_length=min_length, own_numbers=_own_numbers(self.profile))
        if any(hasher.verify(h, new) for h in self.password_hashes[-HISTORY:]):
            raise Invalid(f"the new password cannot be one of your last {HISTORY} passwords")
        self._password_changed(password_hash=hasher.hash(new), must_change=False)
        self._sessions_ended(reason="password_changed")

    def reset_password(self, initial: str, *, hasher: Hasher, min_length: int) -> None:
        """An administrator gives a new initial password; it must be changed at next sign-in."""
        check_rules(initial, min_length=min_length, own_numbers=_own_numbers(self.profile))
        self._password_changed(password_hash=hasher.hash(initial), must_change=True)
        self._sessions_ended(reason="password_reset")

    @event("PasswordChanged")
    def _password_changed(self, password_hash: str, must_change: bool) -> None:
        self.password_hashes = [*self.password_hashes, password_hash][-HISTORY:]
        self.must_change_password = must_change

    # -- sessions: a new password or signing out ends every one of them -------------
    def sign_out(self) -> None:
        self._sessions_ended(reason="signed_out")

    @event("SessionsEnded")
    def _sessions_ended(self, reason: str) -> None:
        """Sessions opened before this (``Session.generation`` below the user's) no longer refresh;
        the bus carries it so every service refuses the access tokens issued before it."""
        self.session_generation = self.session_generation + 1

    # -- signing in (web and phone share one counter) -------------------------------
    def sign_in(self, password: str, *, hasher: Hasher, now: datetime) -> bool:
        """True when ``password`` is right. Raises ``AccountLocked`` while locked (nothing is checked)."""
        if self.locked_until is not None and now < datetime.fromisoformat(self.locked_until):
            raise AccountLocked(f"too many wrong passwords: the account is locked until {self.locked_until}")
        if hasher.verify(self.password_hashes[-1], password):
            if self.failures or self.locks or self.locked_until:
                self._signed_in()
            return True
        failures = self.failures + 1
        if failures >= FAILURES_BEFORE_LOCK:
            until = (now + lock_duration(self.locks)).isoformat()
            self._locked(failures=failures, locked_until=until)
        else:
            self._sign_in_failed(failures=failures)
        return False

    @event("SignInFailed")
    def _sign_in_failed(self, failures: int) -> None:
        self.failures = failures

    @event("Locked")
    def _locked(self, failures: int, locked_until: str) -> None:
        self.failures = 0
        self.locks += 1
        self.locked_until = locked_until

    @event("SignedIn")
    def _signed_in(self) -> None:
        self.failures = 0
        self.locks = 0
        self.locked_until = None

    # -- reading -------------------------------------------------------------------
    @property
    def display_name(self) -> str:
        return str(self.profile["display_name"])

    def numbers(self) -> list[str]:
        return [
            n
            for n in (
                self.profile.get("smartnumber"),
                self.profile.get("mailbox_number"),
                self.profile.get("sms_number"),
            )
            if n
        ]


def _check_profile(profile: dict[str, str | None]) -> None:
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid(f"unknown profile field(s): {', '.join(sorted(unknown))}")
    if not (profile.get("display_name") or "").strip():
        raise Invalid("a user needs a display name")


def _own_numbers(profile: dict[str, str | None]) -> list[str]:
    return [n for n in (profile.get("smartnumber"), profile.get("mailbox_number")) if n]
