"""Events of the directory service that other services rely on (user guide §1.1, §3.7).

The directory service itself arrives with issue 3; until then the development CLI
``smartnumbers-dev`` publishes these events as a stand-in, so that presence can learn
which users and organisations exist.
"""

from __future__ import annotations

from pydantic import Field

from smartnumbers_contracts.base import Contract, Identifier


class OrganisationConfigured(Contract):
    subject = "directory.organisation.configured.v1"
    summary = "An organisation was created or its settings changed"

    name: str
    default_country: str = Field(
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166 region used to read national-format numbers (e.g. GB)",
    )


class UserCreated(Contract):
    subject = "directory.user.created.v1"
    summary = "An administrator created a user"

    user_id: Identifier
    display_name: str
    smartnumber: str | None = None


class UserRemoved(Contract):
    subject = "directory.user.removed.v1"
    summary = "An administrator removed a user"

    user_id: Identifier


class UserTeamsChanged(Contract):
    subject = "directory.user.teams_changed.v1"
    summary = "An administrator changed which Virtual Teams and Queues a user is active in"

    user_id: Identifier
    active_in: list[Identifier]
