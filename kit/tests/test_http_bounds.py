"""The kit's HTTP layer: body size limit (413), one error model in the document, 503 for an
unreachable service, and /docs served without the internet."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field
from smartnumbers_kit.http import body_limit, create_http_app, errors


class Thing(BaseModel):
    name: str = Field(max_length=10)


def app() -> FastAPI:
    http = create_http_app(title="t", description="d", lifespan=None, max_body_bytes=1000)

    @http.post("/things", responses=errors(409))
    async def post_thing(thing: Thing) -> dict[str, str]:
        return {"name": thing.name}

    @http.post("/uploads")
    @body_limit(5000)
    async def upload(thing: Thing) -> dict[str, str]:
        return {"name": thing.name}

    @http.get("/elsewhere")
    async def elsewhere() -> dict[str, str]:
        async with httpx.AsyncClient() as c:
            await c.get("http://127.0.0.1:9/")  # nothing listens on the discard port
        return {}

    return http


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app()), base_url="http://t")


JSON = {"content-type": "application/json"}


def padded(size: int) -> bytes:
    body = b'{"name": "ok"}'
    return body + b" " * (size - len(body))


async def test_a_body_over_the_limit_is_refused_with_413_saying_the_limit():
    async with client() as c:
        assert (await c.post("/things", content=padded(1000), headers=JSON)).status_code == 200
        r = await c.post("/things", content=padded(1001), headers=JSON)
    assert r.status_code == 413
    assert r.json() == {"error": "too_large", "detail": "the request body is larger than 1000 bytes"}


async def test_a_streamed_body_is_cut_at_the_limit_without_reading_the_rest():
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            sent.append(1)
            yield b" " * 400

    async with client() as c:
        r = await c.post("/things", content=chunks(), headers=JSON)
    assert r.status_code == 413
    assert r.json()["detail"] == "the request body is larger than 1000 bytes"
    assert len(sent) < 100


async def test_a_route_may_take_a_larger_body():
    async with client() as c:
        assert (await c.post("/uploads", content=padded(4000), headers=JSON)).status_code == 200
        r = await c.post("/uploads", content=padded(5001), headers=JSON)
    assert r.status_code == 413
    assert r.json()["detail"] == "the request body is larger than 5000 bytes"


async def test_validation_errors_name_the_field_and_the_limit():
    async with client() as c:
        r = await c.post("/things", json={"name": "x" * 11})
    assert r.status_code == 422
    assert r.json()["error"] == "invalid"
    [problem] = r.json()["detail"]
    assert problem["field"] == "name"
    assert "10 characters" in problem["message"]


async def test_unknown_paths_answer_the_error_model():
    async with client() as c:
        r = await c.get("/nowhere")
    assert r.status_code == 404
    assert r.json() == {"error": "not_found", "detail": "Not Found"}


async def test_an_unreachable_service_is_503_with_a_message_not_500():
    async with client() as c:
        r = await c.get("/elsewhere")
    assert r.status_code == 503
    assert r.json()["error"] == "unavailable"
    assert "ConnectError" in r.json()["detail"]


async def test_the_document_uses_one_error_model_and_states_limits():
    async with client() as c:
        doc = (await c.get("/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ErrorBody" in schemas
    assert schemas["Thing"]["properties"]["name"]["maxLength"] == 10
    responses = doc["paths"]["/things"]["post"]["responses"]
    for status in ("409", "413", "422", "503"):
        assert responses[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"
        }, status
    assert responses["413"]["description"] == "the request body is larger than 1000 bytes"
    assert doc["paths"]["/uploads"]["post"]["responses"]["413"]["description"].endswith("5000 bytes")


async def test_docs_work_offline_with_assets_from_the_same_server():
    async with client() as c:
        page = await c.get("/docs")
        assert page.status_code == 200
        assert "cdn" not in page.text
        assets = [
            part.split('"')[1]
            for part in page.text.split("src=")[1:] + page.text.split("href=")[1:]
            if part.startswith('"/docs/assets')
        ]
        assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
        assert any(a.endswith("swagger-ui.css") for a in assets)
        for asset in assets:
            r = await c.get(asset)
            assert r.status_code == 200, asset
            assert len(r.content) > 500, asset


async def test_a_route_of_an_included_router_keeps_its_own_limit_in_the_check_and_the_document():
    """Services declare their routes on APIRouters (``include_router``), which FastAPI may keep
    whole instead of as flat routes: a marked upload there must still take its larger body."""
    from fastapi import APIRouter

    http = create_http_app(title="t", description="d", lifespan=None, max_body_bytes=1000)
    router = APIRouter(prefix="/v1")

    @router.post("/recordings")
    @body_limit(5000)
    async def record(thing: Thing) -> dict[str, str]:
        return {"name": thing.name}

    http.include_router(router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=http), base_url="http://t") as c:
        assert (await c.post("/v1/recordings", content=padded(3000), headers=JSON)).status_code == 200
        assert (await c.post("/v1/recordings", content=padded(5001), headers=JSON)).status_code == 413
        doc = (await c.get("/openapi.json")).json()
    described = doc["paths"]["/v1/recordings"]["post"]["responses"]["413"]["description"]
    assert described.endswith("5000 bytes"), described
