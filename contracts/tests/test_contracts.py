from datetime import UTC, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError
from smartnumbers_contracts import Contract, contract_for_subject
from smartnumbers_contracts.catalogue import CATALOGUE
from smartnumbers_contracts.presence import Location, LocationCause, LocationChanged


def test_every_subject_names_domain_aggregate_event_and_version():
    for subject, contract in CATALOGUE.items():
        domain, _aggregate, _event, version = subject.split(".")
        assert contract.domain() == domain
        assert version.startswith("v")


def test_a_subject_not_of_the_form_is_refused_when_the_class_is_defined():
    with pytest.raises(ValueError, match=r"domain\.aggregate\.event\.vN"):
        type("Bad", (Contract,), {"subject": "presence.LocationChanged", "__annotations__": {}})


def test_a_contract_round_trips_through_bytes_and_rejects_bad_identifiers():
    event = LocationChanged(
        event_id=uuid4(),
        organisation_id="acme",
        occurred_at=datetime.now(UTC),
        user_id="alice",
        location=Location.MOBILE,
        number="+447700900123",
        previous_location=Location.DESK,
        cause=LocationCause.SELECTED,
    )
    again = contract_for_subject(event.subject).from_bytes(event.to_bytes())
    assert again == event
    with pytest.raises(ValidationError):
        LocationChanged.model_validate({**event.model_dump(), "organisation_id": "no spaces"})


def test_unknown_subject_is_a_clear_lookup_error():
    with pytest.raises(LookupError, match="no contract"):
        contract_for_subject("presence.user.nothing.v1")
