"""The toolbar (§2.1, §6.2): the functions the user chose, showing their current status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages.labels import AVAILABILITY, LOCATIONS

router = APIRouter(include_in_schema=False)


async def _toolbar(request: Request, api: ApiClient, error: str | None = None) -> Response:
    presence = await api.get("presence", "/v1/users/me/presence")
    return render(
        request,
        "toolbar.html",
        presence=presence,
        locations=LOCATIONS,
        availability=AVAILABILITY,
        error=error,
    )


@router.get("/toolbar")
async def toolbar(request: Request, session: SignedIn, api: ApiClient) -> Response:
    return await _toolbar(request, api)


@router.post("/toolbar/location")
async def toolbar_location(
    request: Request, session: SignedIn, _: Csrf, api: ApiClient, location: Annotated[str, Form()]
) -> Response:
    try:
        await api.put("presence", "/v1/users/me/location", json={"location": location})
    except ApiError as e:
        return await _toolbar(request, api, e.detail)
    return await _toolbar(request, api)


@router.post("/toolbar/availability")
async def toolbar_availability(
    request: Request, session: SignedIn, _: Csrf, api: ApiClient, availability: Annotated[str, Form()]
) -> Response:
    try:
        await api.put("presence", "/v1/users/me/availability", json={"availability": availability})
    except ApiError as e:
        return await _toolbar(request, api, e.detail)
    return await _toolbar(request, api)


@router.post("/toolbar/team-availability")
async def toolbar_team(
    request: Request, session: SignedIn, _: Csrf, api: ApiClient, team_calls: Annotated[bool, Form()] = False
) -> Response:
    try:
        await api.put(
            "presence", "/v1/users/me/team-availability", json={"available_for_team_calls": team_calls}
        )
    except ApiError as e:
        return await _toolbar(request, api, e.detail)
    return await _toolbar(request, api)
