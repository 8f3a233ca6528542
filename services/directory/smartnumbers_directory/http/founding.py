"""Founding an organisation with its first administrator, while the directory runs.

The admin CLI's way in (``smartnumbers-directory-admin create-organisation``): going through
the running service makes the new administrator visible to it at once, to sign-in and to
the read side alike. Not for users: the token must be signed with this directory's own key
(whoever holds it could write the store anyway), carry the scope ``found-organisation`` and
name the organisation being founded. The CLI mints one for a minute.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from smartnumbers_contracts.base import Identifier
from smartnumbers_directory.http.deps import App, Issuer, Settings
from smartnumbers_kit.auth import Role, TokenVerifier, Unauthenticated
from smartnumbers_kit.errors import Forbidden
from smartnumbers_kit.settings import DIRECTORY_ISSUER

FOUNDING_SCOPE = "found-organisation"
FOUNDER = "directory-admin"
router = APIRouter(tags=["operations"])
_bearer = HTTPBearer(auto_error=False)


class Founding(BaseModel):
    organisation_id: Identifier
    name: str = Field(min_length=1, max_length=200)
    default_country: str = Field(default="GB", pattern=r"^[A-Z]{2}$")
    password_min_length: int = Field(default=6, ge=4, le=32)
    admin_id: Identifier
    admin_name: str | None = Field(default=None, max_length=200)
    admin_smartnumber: str | None = Field(default=None, max_length=32)
    admin_password: str = Field(min_length=1, max_length=64, description="Initial, changed at first sign-in")


class Founded(BaseModel):
    organisation_id: str
    admin_id: str


@router.post(
    "/v1/organisations",
    status_code=status.HTTP_201_CREATED,
    response_model=Founded,
    summary="Found an organisation and its first administrator (the admin CLI, with a founding token)",
)
def found_organisation(
    body: Founding,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    app: App,
    issuer: Issuer,
    settings: Settings,
) -> Founded:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send a founding token (smartnumbers-directory-admin makes one)")
    own_key = issuer.public_key()
    founder = TokenVerifier(
        None, audience=settings.jwt_audience, issuers=[DIRECTORY_ISSUER], key_for=lambda _token: own_key
    ).verify(credentials.credentials)
    if founder.role is not Role.SERVICE or founder.scope != FOUNDING_SCOPE:
        raise Forbidden("only a founding token (smartnumbers-directory-admin) founds an organisation")
    if founder.organisation_id != body.organisation_id:
        raise Forbidden(
            f"this founding token is for {founder.organisation_id!r}, not {body.organisation_id!r}"
        )
    profile = {"display_name": body.admin_name or body.admin_id, "smartnumber": body.admin_smartnumber}
    app.found_organisation(
        body.organisation_id,
        body.name,
        body.default_country,
        body.password_min_length,
        body.admin_id,
        profile,
        body.admin_password,
    )
    return Founded(organisation_id=body.organisation_id, admin_id=body.admin_id)
