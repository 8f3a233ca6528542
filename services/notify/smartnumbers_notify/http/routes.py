"""Notify's REST endpoints: delivery history (§3.5: what was sent, where, when, the outcome) and the pager."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Query
from smartnumbers_kit.auth import Role
from smartnumbers_kit.errors import Forbidden, NotFound

from smartnumbers_notify.http.deps import App, CurrentPrincipal, Deliveries, subject_user
from smartnumbers_notify.http.schemas import AlertsOut, DeliveriesOut, DeliveryOut, PagerIn, PagerOut

router = APIRouter(prefix="/v1", tags=["notify"])


@router.get(
    "/deliveries",
    response_model=DeliveriesOut,
    summary="Delivery history: your own, or (admin) the organisation's",
)
async def deliveries(
    principal: CurrentPrincipal,
    app: App,
    index: Deliveries,
    user_id: str | None = Query(default=None, description="Admin: one user's only"),
    limit: int = Query(default=100, ge=1, le=5000),
) -> DeliveriesOut:
    if principal.role is Role.ADMIN:
        only = user_id
    elif user_id not in (None, principal.user_id, "me"):
        raise Forbidden("you may read only your own deliveries")
    else:
        only = principal.user_id

    def read() -> list[DeliveryOut]:
        found: list[DeliveryOut] = []
        for delivery_id in reversed(index.by_organisation.get(principal.organisation_id, [])):
            d = app.delivery(delivery_id)
            if only is None or d.user_id == only:
                found.append(DeliveryOut(**d.summary()))
                if len(found) >= limit:
                    break
        return found

    return DeliveriesOut(deliveries=await asyncio.to_thread(read))


@router.get(
    "/users/{user_id}/alerts",
    response_model=AlertsOut,
    summary="Where a user's alerts go and which they chose, as notify knows them (§3.5, §3.6.6-9)",
)
def read_alerts(principal: CurrentPrincipal, app: App, user_id: str) -> AlertsOut:
    user = subject_user(principal, user_id)
    principal.require_acting_for(user)
    recipient = app.recipient(principal.organisation_id, user)
    if recipient is None or recipient.removed:
        raise NotFound(f"notify knows no user {user!r} in your organisation yet")
    return AlertsOut(
        email=recipient.profile.get("email"),
        sms_number=recipient.profile.get("sms_number"),
        pager_number=recipient.pager_number,
        time_zone=recipient.time_zone,
        alerts=recipient.alerts,
        call_reporting=recipient.call_reporting,
    )


@router.get("/users/{user_id}/pager", response_model=PagerOut, summary="A user's pager number (§3.5)")
def read_pager(principal: CurrentPrincipal, app: App, user_id: str) -> PagerOut:
    user = subject_user(principal, user_id)
    principal.require_acting_for(user)
    recipient = app.recipient(principal.organisation_id, user)
    return PagerOut(pager_number=recipient.pager_number if recipient else None)


@router.put("/users/{user_id}/pager", response_model=PagerOut, summary="Set or remove a user's pager number")
def change_pager(principal: CurrentPrincipal, app: App, user_id: str, body: PagerIn) -> PagerOut:
    user = subject_user(principal, user_id)
    principal.require_acting_for(user)
    return PagerOut(pager_number=app.change_pager(principal.organisation_id, user, body.pager_number))
