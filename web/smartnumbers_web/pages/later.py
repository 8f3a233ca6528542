"""Pages of the menu not built yet: each says so and what it will hold, rather than a 404."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from smartnumbers_web.deps import SignedIn, render

router = APIRouter(include_in_schema=False)

LATER = {
    "statistics": ("Statistics", "Your calls and their outcomes (§8.2)."),
}


def _page(slug: str, title: str, purpose: str) -> None:
    async def page(request: Request, session: SignedIn) -> Response:
        return render(request, "later.html", active=slug, title=title, purpose=purpose)

    router.add_api_route(f"/{slug}", page, methods=["GET"], name=slug)


for _slug, (_title, _purpose) in LATER.items():
    _page(_slug, _title, _purpose)
