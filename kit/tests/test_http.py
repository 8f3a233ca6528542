"""The HTTP face every service shares: request ids and per-route metrics."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from smartnumbers_kit.http import create_http_app


def app() -> FastAPI:
    http = create_http_app(title="t", description="d", lifespan=None)

    @http.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        return {"thing": thing_id}

    return http


async def test_a_request_id_is_echoed_or_made_and_the_route_template_is_counted():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app()), base_url="http://t") as c:
        given = await c.get("/things/1", headers={"x-request-id": "abc123"})
        made = await c.get("/things/2")
        assert given.headers["x-request-id"] == "abc123"
        assert len(made.headers["x-request-id"]) == 32
        metrics = (await c.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/things/{thing_id}",status="200"}' in metrics
