"""Virtual Teams and Virtual Queues (user guide §1.1, §3.7): a smartnumber, members, how it rings."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from smartnumbers_kit.errors import Invalid

KINDS = ("team", "queue")
STRATEGIES = ("all_at_once", "in_order", "round_robin")


def check_definition(definition: dict[str, Any]) -> None:
    if definition["kind"] not in KINDS:
        raise Invalid(f"a team's kind is team or queue, not {definition['kind']!r}")
    if definition["strategy"] not in STRATEGIES:
        raise Invalid(f"how a team rings is one of {', '.join(STRATEGIES)}")
    if not definition["name"].strip():
        raise Invalid("a team needs a name")
    if len(set(definition["members"])) != len(definition["members"]):
        raise Invalid("a member appears twice in the team")
    if definition["kind"] == "team" and definition.get("max_wait_seconds") is not None:
        raise Invalid("only a queue has a maximum wait")
    nobody = definition.get("when_nobody_answers", "voicemail")
    if nobody != "voicemail" and not nobody.startswith("transfer:+"):
        raise Invalid("when nobody answers is voicemail or transfer:<E.164 number>")


class Team(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, team_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:team:{organisation_id}:{team_id}")

    @classmethod
    def define(cls, organisation_id: str, team_id: str, definition: dict[str, Any]) -> Team:
        check_definition(definition)
        return cls(organisation_id=organisation_id, team_id=team_id, definition=dict(definition))

    @event("Created")
    def __init__(self, organisation_id: str, team_id: str, definition: dict[str, Any]) -> None:
        self.organisation_id = organisation_id
        self.team_id = team_id
        self.definition = dict(definition)
        self.removed = False

    def redefine(self, definition: dict[str, Any]) -> None:
        check_definition(definition)
        if definition != self.definition:
            self._updated(definition=dict(definition))

    @event("Updated")
    def _updated(self, definition: dict[str, Any]) -> None:
        self.definition = dict(definition)

    @event("Removed")
    def remove(self) -> None:
        self.removed = True

    @property
    def members(self) -> list[str]:
        return list(self.definition["members"])
