"""Routing's query parameters are bounded and required ones cannot be empty (issue 11 §1, §6)."""

from __future__ import annotations

from smartnumbers_routing.bootstrap import bootstrap


def test_the_dialled_number_is_required_non_empty_and_bounded():
    document = bootstrap().openapi()
    parameters = {p["name"]: p for p in document["paths"]["/v1/route"]["get"]["parameters"]}
    assert parameters["to"]["required"] is True
    assert parameters["to"]["schema"]["minLength"] == 1
    assert parameters["to"]["schema"]["maxLength"] == 32
    assert parameters["from"]["schema"]["maxLength"] == 32  # optional: absent, never null
    assert parameters["name"]["schema"]["maxLength"] == 100
