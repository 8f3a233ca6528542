"""Signing in (§3.1), passwords (§3.2) and sessions: web and phone share one failure counter."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from smartnumbers_directory.domain.session import Session, token_digest
from smartnumbers_directory.domain.user import User
from smartnumbers_directory.use_cases.base import DirectoryBase
from smartnumbers_kit.auth import Unauthenticated
from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.errors import Forbidden, Invalid

WRONG = "wrong number or password"


class Identity(DirectoryBase):
    def find_user_by_number(self, number: str, default_country: str) -> tuple[str, str]:
        """The (organisation, user) whose smartnumber or mailbox number this is; 401 otherwise."""
        try:
            e164 = to_e164(number, default_country)
        except Invalid:
            raise Unauthenticated(WRONG) from None
        holder = self.holder_of(e164)
        if holder is None or holder["kind"] != "user":
            raise Unauthenticated(WRONG)
        return holder["organisation_id"], holder["id"]

    def check_password(self, organisation_id: str, user_id: str, password: str, now: datetime) -> bool:
        """One attempt (web login or phone PIN): True when right. Five wrong in a row lock (423)."""
        outcome: list[bool] = []

        def command() -> list[Any]:
            user = self.user(organisation_id, user_id)
            outcome[:] = [user.sign_in(password, hasher=self.hasher, now=now)]
            return [user]

        self.run_command(command, key=f"{organisation_id}/{user_id}")
        return outcome[0]

    def sign_in(self, number: str, password: str, default_country: str, now: datetime) -> User:
        try:
            organisation_id, user_id = self.find_user_by_number(number, default_country)
        except Unauthenticated:
            self._spend_a_verification(password)
            raise
        if not self.check_password(organisation_id, user_id, password, now):
            raise Unauthenticated(WRONG)
        return self.user(organisation_id, user_id)

    def _spend_a_verification(self, password: str) -> None:
        """An unknown number costs as long as a wrong password, so timing does not tell which numbers exist."""
        if not hasattr(self, "_decoy_hash"):
            self._decoy_hash = self.hasher.hash("0")
        self.hasher.verify(self._decoy_hash, password)

    def change_password(
        self, organisation_id: str, user_id: str, new: str, confirm: str, *, old: str | None, now: datetime
    ) -> None:
        """``old`` is required on the web; the phone (after PIN login, via the gateway) gives only the new one twice."""
        if new != confirm:
            raise Invalid("the new password and its confirmation are not the same")
        minimum = self.organisation(organisation_id).password_min_length
        if old is not None and not self.check_password(organisation_id, user_id, old, now):
            raise Forbidden("the old password is not right")

        def command() -> list[Any]:
            user = self.user(organisation_id, user_id)
            user.change_password(new, hasher=self.hasher, min_length=minimum)
            return [user]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def reset_password(self, organisation_id: str, user_id: str, initial: str) -> None:
        minimum = self.organisation(organisation_id).password_min_length

        def command() -> list[Any]:
            user = self.user(organisation_id, user_id)
            user.reset_password(initial, hasher=self.hasher, min_length=minimum)
            return [user]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    # -- refresh tokens: random, only their digest is stored --------------------------------
    def open_session(self, organisation_id: str, user_id: str, now: datetime, lifetime: timedelta) -> str:
        token = secrets.token_urlsafe(32)
        self.save(
            Session(
                digest=token_digest(token),
                organisation_id=organisation_id,
                user_id=user_id,
                expires_at=(now + lifetime).isoformat(),
                generation=self.user(organisation_id, user_id).session_generation,
            )
        )
        return token

    def refresh(self, refresh_token: str, now: datetime) -> User:
        session = self._maybe(Session.create_id(token_digest(refresh_token)))
        user = (
            None if session is None else self._maybe(User.create_id(session.organisation_id, session.user_id))
        )
        if (
            session is None
            or user is None
            or user.removed
            or not session.usable(now, user.session_generation)
        ):
            raise Unauthenticated(
                "the refresh token is not valid (expired, revoked, ended by a new password or "
                "signing out, or unknown): sign in again"
            )
        if user.must_change_password:
            raise Unauthenticated("change your password first")
        return user

    def sign_out(self, refresh_token: str, organisation_id: str, user_id: str) -> None:
        """Signing out ends every session of the user: the refresh tokens stop refreshing, and the
        access tokens issued so far are refused by every service once the event is on the bus."""
        session_id = Session.create_id(token_digest(refresh_token))

        def command() -> list[Any]:
            session = self._maybe(session_id)
            if session is None or (session.organisation_id, session.user_id) != (organisation_id, user_id):
                raise Invalid("this refresh token is not one of your sessions")
            user = self.user(organisation_id, user_id)
            user.sign_out()
            if not session.revoked:
                session.revoke()
            return [user, session]

        self.run_command(command, key=f"{organisation_id}/{user_id}")
