"""How a user is told of a new message: the Message Alert Preferences (user guide §3.5)."""

from __future__ import annotations

from enum import StrEnum

from smartnumbers_kit.errors import Invalid


class MessageAlert(StrEnum):
    CALL = "call"
    """A call to the user's current location."""
    SMS = "sms"
    MESSAGE_WAITING = "message_waiting"
    """The message-waiting light on the handset."""
    EMAIL = "email"
    PAGER = "pager"


DEFAULT_ALERTS: dict[str, bool] = {
    alert.value: alert is MessageAlert.MESSAGE_WAITING for alert in MessageAlert
}
"""A new mailbox lights the lamp and sends nothing else."""


def with_changes(alerts: dict[str, bool], changes: dict[str, bool]) -> dict[str, bool]:
    """``alerts`` with the flags named in ``changes`` set; the others kept."""
    unknown = set(changes) - set(MessageAlert)
    if unknown:
        raise Invalid(
            f"unknown message alert(s): {', '.join(sorted(unknown))} "
            f"(known: {', '.join(a.value for a in MessageAlert)})"
        )
    return {alert.value: bool(changes.get(alert.value, alerts[alert.value])) for alert in MessageAlert}
