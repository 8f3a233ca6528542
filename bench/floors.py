"""The floors under issue 17's targets: the same parts with nothing of smartnumbers in them.

Measured in the same run as the services, with the same clients, so that a target a service
misses can be set beside what this machine does at all with those parts:

- **FastAGI floor** (``python bench/floors.py agi PORT NATS_URL``): an asyncio server on
  uvloop in its own process, as the gateway is. For each connection it reads the header
  block, asks a bare NATS responder once (``floors.py responder NATS_URL``, its own process,
  answering a routing plan's size of bytes), sets one variable with ``EXEC MSet`` and closes:
  the least an incoming call can be (one question to routing, one answer to Asterisk).
- **HTTP floor** (``create_http``, under uvicorn as every service): a synchronous
  ``PUT /v1/users/me/availability`` (a worker-thread hop, as presence's writes) that reads
  a small JSON body into a pydantic model and answers a presence's size of JSON, and a
  ``GET /v1/reverse-lookup?number=`` that answers "nobody" as the directory's does: no token
  check, no store, no bus.
"""

import asyncio
import sys

PLAN_SIZED = b'{"plan": "' + b"x" * 700 + b'"}'
"""About the size of a routing plan on the wire."""
SUBJECT = "bench.floor.plan"


def create_http():  # type: ignore[no-untyped-def]
    from fastapi import FastAPI
    from pydantic import BaseModel

    class Choice(BaseModel):
        availability: str

    class Answer(BaseModel):
        user_id: str
        availability: str
        location: str
        location_number: str | None
        delegate_id: str | None

    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    class Found(BaseModel):
        number: str
        name: str | None
        kind: str | None

    @app.get("/v1/reverse-lookup", response_model=Found)
    def reverse_lookup(number: str) -> Found:
        return Found(number=number, name=None, kind=None)

    @app.put("/v1/users/me/availability", response_model=Answer)
    def availability(body: Choice) -> Answer:
        return Answer(
            user_id="u0",
            availability=body.availability,
            location="desk",
            location_number="+441632960001",
            delegate_id=None,
        )

    return app


async def responder(nats_url: str) -> None:
    import nats

    nc = await nats.connect(nats_url)

    async def answer(msg) -> None:  # type: ignore[no-untyped-def]
        await msg.respond(PLAN_SIZED)

    await nc.subscribe(SUBJECT, queue="floor", cb=answer)
    await nc.flush()
    await nc.flush()
    print("ready", flush=True)
    await asyncio.Event().wait()


async def agi(port: int, nats_url: str) -> None:
    import nats

    nc = await nats.connect(nats_url)

    async def conversation(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\n\n")
            await nc.request(SUBJECT, b'{"dialled": "+441632960001"}', timeout=5)
            writer.write(b'EXEC MSet "SN_PLAN_STEPS=1"\n')
            await reader.readline()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    await asyncio.start_server(conversation, "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import uvloop

    if sys.argv[1] == "agi":
        uvloop.run(agi(int(sys.argv[2]), sys.argv[3]))
    else:
        uvloop.run(responder(sys.argv[2]))
