"""Search (§4.3, §7.4.1), advanced search, and reverse lookup of a caller's number.

These read only the in-memory projection (no I/O), so they run on the event loop
(``async def``) rather than paying a hop to the thread pool on every call.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from smartnumbers_directory.http.deps import App, CurrentPrincipal
from smartnumbers_directory.http.schemas import SearchResult
from smartnumbers_kit.auth import Role
from smartnumbers_kit.errors import Forbidden, NotFound

router = APIRouter(prefix="/v1", tags=["search"])


@router.get(
    "/search",
    response_model=list[SearchResult],
    summary="One box: a name (any part, any case and accent) or a number in any format",
)
async def search(
    principal: CurrentPrincipal,
    app: App,
    q: str = Query(max_length=100),
    limit: int = Query(default=50, ge=1, le=200),
) -> list[SearchResult]:
    return [SearchResult.of(f) for f in app.queries.search(principal, q, limit)]


@router.get("/search/advanced", response_model=list[SearchResult], summary="Search on individual fields")
async def advanced_search(
    principal: CurrentPrincipal,
    app: App,
    first_name: str | None = Query(default=None, max_length=100),
    last_name: str | None = Query(default=None, max_length=100),
    display_name: str | None = Query(default=None, max_length=100),
    job_title: str | None = Query(default=None, max_length=100),
    department: str | None = Query(default=None, max_length=100),
    company: str | None = Query(default=None, max_length=100),
    email: str | None = Query(default=None, max_length=100),
    number: str | None = Query(default=None, max_length=100),
    limit: int = Query(default=50, ge=1, le=200),
) -> list[SearchResult]:
    criteria = {
        "first_name": first_name,
        "last_name": last_name,
        "display_name": display_name,
        "job_title": job_title,
        "department": department,
        "company": company,
        "email": email,
        "number": number,
    }
    return [
        SearchResult.of(f)
        for f in app.queries.advanced(principal, {k: v for k, v in criteria.items() if v}, limit)
    ]


@router.get(
    "/reverse-lookup",
    response_model=SearchResult,
    summary="The name to announce for a caller's number (users, then the callee's contacts, then shared ones)",
)
async def reverse_lookup(
    principal: CurrentPrincipal,
    app: App,
    number: str = Query(min_length=1, max_length=40),
    callee: str | None = Query(default=None, max_length=64, description="The user called (gateway only)"),
) -> SearchResult:
    if callee is not None and callee != principal.user_id and principal.role is not Role.SERVICE:
        raise Forbidden("only the gateway looks numbers up on behalf of another user")
    found = app.queries.reverse_lookup(principal, callee or principal.user_id, number)
    if found is None:
        raise NotFound(f"nobody you may see has the number {number!r}")
    return SearchResult.of(found)
