"""Signing in and out, passwords, the gateway's PIN check, public tokens, and the JWKS (§3.1, §3.2).

Hashing is slow on purpose: these endpoints are plain functions, run in the thread pool,
so the event loop keeps serving while argon2 works.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, status
from smartnumbers_directory.domain.user import User
from smartnumbers_directory.http.deps import (
    Admin,
    App,
    Issuer,
    Now,
    PasswordChangePrincipal,
    Settings,
    UserId,
    subject_user,
)
from smartnumbers_directory.http.schemas import (
    PasswordChange,
    PasswordReset,
    PinCheck,
    PinResult,
    PublicToken,
    Refresh,
    SignIn,
    Tokens,
)
from smartnumbers_directory.signing import PUBLIC_AUDIENCE, TokenIssuer
from smartnumbers_kit.auth import PASSWORD_CHANGE_SCOPE, Role, Unauthenticated
from smartnumbers_kit.errors import Forbidden, NotFound
from smartnumbers_kit.http import errors

router = APIRouter(tags=["identity"])
PUBLIC_TOKEN_SECONDS = 365 * 24 * 3600


def _tokens(app: App, issuer: TokenIssuer, settings: Settings, user: User, now: Any) -> Tokens:
    if user.must_change_password:
        access = issuer.issue(
            user_id=user.user_id,
            organisation_id=user.organisation_id,
            role=user.role,
            scope=PASSWORD_CHANGE_SCOPE,
        )
        return Tokens(
            access_token=access,
            expires_in=issuer.access_seconds,
            refresh_token=None,
            must_change_password=True,
        )
    refresh = app.open_session(
        user.organisation_id, user.user_id, now, timedelta(days=settings.refresh_token_days)
    )
    access = issuer.issue(user_id=user.user_id, organisation_id=user.organisation_id, role=user.role)
    return Tokens(
        access_token=access,
        expires_in=issuer.access_seconds,
        refresh_token=refresh,
        must_change_password=False,
    )


@router.post(
    "/v1/sessions",
    response_model=Tokens,
    summary="Sign in with smartnumber (or mailbox number) and password",
    responses=errors(401, 423),
)
def sign_in(body: SignIn, app: App, issuer: Issuer, settings: Settings, now: Now) -> Tokens:
    user = app.sign_in(body.number, body.password, settings.default_country, now)
    return _tokens(app, issuer, settings, user, now)


@router.post(
    "/v1/sessions/refresh",
    response_model=Tokens,
    summary="A new access token from a refresh token",
    responses=errors(401),
)
def refresh(body: Refresh, app: App, issuer: Issuer, settings: Settings, now: Now) -> Tokens:
    user = app.refresh(body.refresh_token, now)
    access = issuer.issue(user_id=user.user_id, organisation_id=user.organisation_id, role=user.role)
    return Tokens(
        access_token=access,
        expires_in=issuer.access_seconds,
        refresh_token=body.refresh_token,
        must_change_password=False,
    )


@router.post(
    "/v1/sessions/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out: ends every session of the user (refresh and access tokens issued so far)",
)
def logout(body: Refresh, principal: PasswordChangePrincipal, app: App) -> None:
    app.sign_out(body.refresh_token, principal.organisation_id, principal.user_id)


@router.put(
    "/v1/users/{user_id}/password",
    response_model=Tokens | None,
    summary="Change a password (§3.2): old and new twice on the web; the gateway, new twice",
    responses=errors(423),
)
def change_password(
    body: PasswordChange,
    principal: PasswordChangePrincipal,
    app: App,
    issuer: Issuer,
    settings: Settings,
    now: Now,
    user_id: str = UserId,
) -> Tokens | None:
    target = subject_user(principal, user_id)
    if principal.role is Role.SERVICE:
        app.change_password(
            principal.organisation_id, target, body.new_password, body.confirm_password, old=None, now=now
        )
        return None
    if target != principal.user_id:
        raise Forbidden("you may change only your own password (an administrator resets others')")
    if body.old_password is None:
        raise Forbidden("give your old password too")
    app.change_password(
        principal.organisation_id,
        target,
        body.new_password,
        body.confirm_password,
        old=body.old_password,
        now=now,
    )
    return _tokens(app, issuer, settings, app.user(principal.organisation_id, target), now)


@router.post(
    "/v1/users/{user_id}/password-reset",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="An administrator gives a new initial password (changed at next sign-in)",
)
def reset_password(body: PasswordReset, admin: Admin, app: App, user_id: str = UserId) -> None:
    app.reset_password(admin.organisation_id, subject_user(admin, user_id), body.initial_password)


@router.post(
    "/v1/service/pin-checks",
    response_model=PinResult,
    summary="The gateway checks a PIN typed on a phone (role service); shares the lockout",
    responses=errors(404, 423),
)
def check_pin(
    body: PinCheck, principal: PasswordChangePrincipal, app: App, settings: Settings, now: Now
) -> PinResult:
    if principal.role is not Role.SERVICE:
        raise Forbidden("only the gateway (role service) checks PINs")
    if body.user_id is not None:
        organisation_id, user_id = principal.organisation_id, body.user_id
    else:
        try:
            organisation_id, user_id = app.find_user_by_number(
                body.mailbox_number or "", settings.default_country
            )
        except Unauthenticated:
            raise NotFound("no user has this mailbox number") from None
        if organisation_id != principal.organisation_id:
            raise NotFound("no user has this mailbox number")
    return PinResult(valid=app.check_password(organisation_id, user_id, body.pin, now), user_id=user_id)


@router.post(
    "/v1/public-tokens",
    response_model=PublicToken,
    summary="A token for the organisation's public directory (reads only what is Public)",
)
def public_token(admin: Admin, issuer: Issuer) -> PublicToken:
    token = issuer.issue(
        user_id="public",
        organisation_id=admin.organisation_id,
        role=Role.PUBLIC.value,
        audience=PUBLIC_AUDIENCE,
        ttl_seconds=PUBLIC_TOKEN_SECONDS,
    )
    return PublicToken(access_token=token, expires_in=PUBLIC_TOKEN_SECONDS)


@router.get("/.well-known/jwks.json", tags=["operations"], summary="The public keys tokens are signed with")
def jwks(issuer: Issuer) -> dict[str, Any]:
    return issuer.jwks()
