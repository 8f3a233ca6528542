"""Generate the AsyncAPI 3 document of the bus from the contract models.

    python -m smartnumbers_contracts.asyncapi > contracts/asyncapi.yaml

``contracts/tests/test_asyncapi.py`` fails when the committed file is stale.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from pydantic.json_schema import models_json_schema

from smartnumbers_contracts.catalogue import CATALOGUE, REQUESTS

REF = "#/components/schemas/{model}"


def document() -> dict[str, Any]:
    contracts = sorted(CATALOGUE.values(), key=lambda c: c.subject)
    rpc_models = [m for request, reply, _ in REQUESTS.values() for m in (request, reply)]
    _, schema = models_json_schema(
        [(c, "serialization") for c in [*contracts, *rpc_models]], ref_template=REF
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for contract in contracts:
        name = contract.__name__
        channel_id = contract.subject.replace(".", "_")
        messages[name] = {
            "name": name,
            "title": name,
            "summary": contract.summary,
            "contentType": "application/json",
            "headers": {
                "type": "object",
                "properties": {
                    "Nats-Msg-Id": {
                        "type": "string",
                        "description": "Deduplication id derived from the publisher's log",
                    }
                },
            },
            "payload": {"$ref": REF.format(model=name)},
        }
        channels[channel_id] = {
            "address": contract.subject,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        operations[f"publish_{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{name}"}],
        }
    for subject, (request, reply, summary) in sorted(REQUESTS.items()):
        channel_id = subject.replace(".", "_")
        reply_channel = f"{channel_id}_reply"
        for model in (request, reply):
            messages[model.__name__] = {
                "name": model.__name__,
                "title": model.__name__,
                "contentType": "application/json",
                "payload": {"$ref": REF.format(model=model.__name__)},
            }
        messages[request.__name__]["summary"] = summary
        channels[channel_id] = {
            "address": subject,
            "messages": {request.__name__: {"$ref": f"#/components/messages/{request.__name__}"}},
        }
        channels[reply_channel] = {
            "address": None,
            "description": "The requester's inbox (NATS reply subject)",
            "messages": {reply.__name__: {"$ref": f"#/components/messages/{reply.__name__}"}},
        }
        operations[f"answer_{channel_id}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{request.__name__}"}],
            "reply": {
                "channel": {"$ref": f"#/channels/{reply_channel}"},
                "messages": [{"$ref": f"#/channels/{reply_channel}/messages/{reply.__name__}"}],
            },
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "smartnumbers bus",
            "version": "1.0.0",
            "description": (
                "Events and commands exchanged by the smartnumbers services over NATS "
                "JetStream. Generated from the pydantic models in contracts/; do not edit."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "development": {
                "host": "127.0.0.1:4322",
                "protocol": "nats",
                "description": "The nats-server that `make run` starts",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schema.get("$defs", {})},
    }


def render() -> str:
    return str(yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=100))


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
