from pathlib import Path

from smartnumbers_contracts.asyncapi import document, render
from smartnumbers_contracts.catalogue import CATALOGUE, REQUESTS

COMMITTED = Path(__file__).resolve().parents[1] / "asyncapi.yaml"


def test_committed_asyncapi_document_is_generated_from_the_models():
    assert COMMITTED.read_text() == render(), "contracts/asyncapi.yaml is stale: run `make contracts`"


def test_every_contract_has_a_channel_with_its_subject_and_payload_schema():
    doc = document()
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses - {None} == set(CATALOGUE) | set(REQUESTS)
    for contract in CATALOGUE.values():
        schema = doc["components"]["schemas"][contract.__name__]
        assert {"event_id", "organisation_id", "occurred_at"} <= set(schema["properties"])
