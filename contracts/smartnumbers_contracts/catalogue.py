"""Every contract on the bus, by subject."""

from __future__ import annotations

from pydantic import BaseModel

from smartnumbers_contracts import calls, directory, gateway, mailbox, notify, presence, routing, schedule
from smartnumbers_contracts.base import Contract

CATALOGUE: dict[str, type[Contract]] = {
    c.subject: c
    for c in (
        presence.LocationChanged,
        presence.AvailabilityChanged,
        presence.TeamAvailabilityChanged,
        presence.NumbersChanged,
        presence.CallManagerConnected,
        presence.CallManagerDisconnected,
        presence.CallIntroductionChanged,
        presence.CallReportingChanged,
        presence.RingSequenceChanged,
        schedule.ScheduleChanged,
        schedule.ScheduleSwitched,
        schedule.OpeningHoursChanged,
        directory.OrganisationConfigured,
        directory.LocationPolicyChanged,
        directory.UserCreated,
        directory.UserUpdated,
        directory.UserRemoved,
        directory.UserSessionsEnded,
        directory.UserTeamsChanged,
        directory.UserLocked,
        directory.TeamCreated,
        directory.TeamUpdated,
        directory.TeamRemoved,
        directory.VipsChanged,
        directory.ContactChanged,
        directory.ContactRemoved,
        routing.CallDelegated,
        routing.CallLost,
        calls.CallStarted,
        calls.CallRinging,
        calls.CallAnswered,
        calls.CallDialEnded,
        calls.CallTransferred,
        calls.VoicemailLeft,
        calls.CallEnded,
        calls.CommandFailed,
        calls.MessageWaitingSet,
        calls.CallPlaced,
        calls.FaxSent,
        calls.FaxNotReceived,
        mailbox.MessageDeposited,
        mailbox.MessageMoved,
        mailbox.MessageDeleted,
        mailbox.NewMessageCountChanged,
        mailbox.MessageAlertsChanged,
        mailbox.GreetingChanged,
        mailbox.ExtendedAbsenceEnabled,
        mailbox.ExtendedAbsenceDisabled,
        mailbox.FaxReceived,
        notify.SendEmail,
        notify.SendSms,
        notify.DeliverySent,
        notify.DeliveryFailed,
        gateway.DeliverFax,
        gateway.CallMessageAlert,
    )
}

REQUESTS: dict[str, tuple[type[BaseModel], type[BaseModel], str]] = {
    routing.PLAN_REQUEST_SUBJECT: (
        routing.PlanRequest,
        routing.RoutingPlan,
        "The gateway asks routing where a call goes (request/reply)",
    ),
}
"""Request/reply subjects (outside every stream): request model, reply model, summary."""


def contract_for_subject(subject: str) -> type[Contract]:
    try:
        return CATALOGUE[subject]
    except KeyError:
        raise LookupError(f"no contract is published on {subject!r}") from None
