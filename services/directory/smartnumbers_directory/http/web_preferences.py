"""A user's Web Services preferences (§6): the startup page and the toolbars, kept with the user so
that they follow them to any browser. The web knows the pages and toolbar items and checks them;
here they are bounded names."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from smartnumbers_directory.http.deps import App, Staff, UserId, subject_user
from smartnumbers_kit.auth import Principal
from smartnumbers_kit.errors import Forbidden

router = APIRouter(prefix="/v1", tags=["people"])
Item = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]


class WebPreferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    startup_page: Item | None = Field(default=None, description="The page shown after signing in")
    toolbar: list[Item] | None = Field(default=None, max_length=20, description="On a desktop or laptop")
    pda_toolbar: list[Item] | None = Field(default=None, max_length=20, description="On a PDA (phone)")
    pda_layout: bool | None = Field(default=None, description="The layout for a small screen")


def _own(principal: Principal, user_id: str) -> str:
    user = subject_user(principal, user_id)
    if user != principal.user_id:
        raise Forbidden("Web Services preferences are your own: use users/me")
    return user


@router.get(
    "/users/{user_id}/web-preferences",
    response_model=WebPreferences,
    summary="Your Web Services preferences (§6); none chosen yet: every field null",
)
def read_web_preferences(principal: Staff, app: App, user_id: str = UserId) -> WebPreferences:
    user = app.user(principal.organisation_id, _own(principal, user_id))
    return WebPreferences.model_validate(user.web_preferences)


@router.put("/users/{user_id}/web-preferences", response_model=WebPreferences, summary="Choose them")
def choose_web_preferences(
    body: WebPreferences, principal: Staff, app: App, user_id: str = UserId
) -> WebPreferences:
    user_id = _own(principal, user_id)
    app.choose_web_preferences(principal.organisation_id, user_id, body.model_dump(exclude_none=True))
    return WebPreferences.model_validate(app.user(principal.organisation_id, user_id).web_preferences)
