"""Security: change your password (§3.2.1). The form posts to ``/password``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from smartnumbers_web.deps import SignedIn, render
from smartnumbers_web.pages.auth import PASSWORD_ADVICE

router = APIRouter(include_in_schema=False)


@router.get("/security")
async def security(request: Request, session: SignedIn) -> Response:
    return render(request, "password.html", active="security", advice=PASSWORD_ADVICE, forced=False)
