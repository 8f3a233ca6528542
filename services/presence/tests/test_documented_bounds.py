"""Presence's OpenAPI document states its limits and what each body requires (issue 11 §1, §6)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from smartnumbers_presence.bootstrap import bootstrap
from smartnumbers_presence.http.schemas import CallReportingChoice


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return bootstrap().openapi()


def test_call_reporting_requires_a_flag_in_the_schema_as_the_service_does(document):
    schema = document["components"]["schemas"]["CallReportingChoice"]
    assert schema["anyOf"] == [{"required": ["lost_calls"]}, {"required": ["delegated_calls"]}]
    assert schema["properties"]["lost_calls"]["type"] == "boolean"  # not nullable
    for refused in ({}, {"lost_calls": None, "delegated_calls": True}):
        with pytest.raises(ValidationError):
            CallReportingChoice.model_validate(refused)
    assert CallReportingChoice.model_validate({"delegated_calls": False}).delegated_calls is False


def test_numbers_and_lists_are_bounded_in_the_document(document):
    schemas = document["components"]["schemas"]
    assert schemas["NumbersChange"]["properties"]["mobile"]["anyOf"][0]["maxLength"] == 32
    assert schemas["BatchRead"]["properties"]["user_ids"]["maxItems"] == 1000


def test_every_error_answer_is_the_error_body(document):
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status[0] in "45" and path != "/readyz":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorBody", (method, path, status)
    put = document["paths"]["/v1/users/{user_id}/location"]["put"]["responses"]
    assert {"400", "401", "403", "404", "413", "422", "503"} <= set(put)
