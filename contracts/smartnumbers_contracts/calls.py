"""Call events the gateway publishes from Asterisk's AMI events (domain ``gateway``).

One call, all its legs, share ``call_id`` (Asterisk's Linkedid). Routing keeps the
call records of §8.2 from these.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from smartnumbers_contracts.base import Contract, Identifier
from smartnumbers_contracts.routing import RoutingPlan


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallStarted(Contract):
    subject = "gateway.call.started.v1"
    summary = "A call reached the platform (inbound to a smartnumber) or was placed through it"

    call_id: str
    direction: Direction
    caller_number: str | None = None
    caller_user_id: Identifier | None = Field(default=None, description="When the caller is a user")
    dialled: str
    intended_user_id: Identifier | None = None
    intended_team_id: Identifier | None = None
    plan: RoutingPlan | None = Field(
        default=None,
        description=(
            "The routing plan the call follows (inbound calls): routing keeps its steps, reasons "
            "and rules as the call's record of why (§8.2)"
        ),
    )


class CallRinging(Contract):
    subject = "gateway.call.ringing.v1"
    summary = "A target started ringing (or a Call Manager was offered the call)"

    call_id: str
    target_number: str | None = None
    user_id: Identifier | None = None


class CallAnswered(Contract):
    subject = "gateway.call.answered.v1"
    summary = "Someone answered (after any call introduction was accepted)"

    call_id: str
    answered_number: str | None = None
    answered_by_user_id: Identifier | None = None


class DialStatus(StrEnum):
    """Asterisk's DIALSTATUS for one dialled target (AMI ``DialEnd``'s ``DialStatus``)."""

    ANSWER = "ANSWER"
    BUSY = "BUSY"
    NOANSWER = "NOANSWER"
    CANCEL = "CANCEL"
    CONGESTION = "CONGESTION"
    CHANUNAVAIL = "CHANUNAVAIL"
    DONTCALL = "DONTCALL"
    TORTURE = "TORTURE"
    INVALIDARGS = "INVALIDARGS"


class CallDialEnded(Contract):
    subject = "gateway.call.dial_ended.v1"
    summary = (
        "A target of the routing plan stopped ringing, and how: answered, busy, no answer (the step's "
        "time ran out), cancelled (the caller hung up or another target answered), congestion, unavailable"
    )

    call_id: str
    target_number: str
    user_id: Identifier | None = None
    dial_status: DialStatus = Field(description="Asterisk's DIALSTATUS for this target")


class CallTransferred(Contract):
    subject = "gateway.call.transferred.v1"
    summary = "The call was transferred or redirected (Call Manager, delegate offer)"

    call_id: str
    to_number: str | None = None
    to_user_id: Identifier | None = None


class VoicemailLeft(Contract):
    subject = "gateway.call.voicemail_left.v1"
    summary = "The caller left a voicemail message"

    call_id: str
    mailbox: str


class HungUpBy(StrEnum):
    CALLER = "caller"
    CALLEE = "callee"
    SYSTEM = "system"


class CallEnded(Contract):
    subject = "gateway.call.ended.v1"
    summary = "The call ended"

    call_id: str
    hung_up_by: HungUpBy
    cause: str = Field(description="Asterisk hangup cause text, e.g. Normal Clearing")


class CommandFailed(Contract):
    subject = "gateway.command.failed.v1"
    summary = "The gateway could not carry out a request (AMI down past its deadline, Asterisk refused it)"

    command: str = Field(description="The subject of the request that failed")
    request_event_id: str
    reason: str


class MessageWaitingSet(Contract):
    subject = "gateway.mwi.set.v1"
    summary = "The message-waiting light of a mailbox was set on Asterisk (MWIUpdate)"

    mwi_mailbox: str = Field(description="<owner>@<organisation>: what phones subscribe to")
    new_messages: int


class CallPlaced(Contract):
    subject = "gateway.call.placed.v1"
    summary = (
        "How a call the platform placed to a user went (click-to-dial §4.4, call me to record §5.1, "
        "leave a voicemail §5.4.1, message alert §3.5): their phone answered, or not"
    )

    request_id: str
    purpose: str = Field(description="click-to-dial, record, send-voicemail or play-messages")
    user_id: Identifier
    to: str | None = Field(default=None, description="Click-to-dial: the number connected after the answer")
    first_leg: str = Field(description="The user's current location that was rung")
    answered: bool
    reason: str = Field(description="answered, no answer, busy, congestion, failed or hangup")


class FaxSent(Contract):
    subject = "gateway.fax.sent.v1"
    summary = (
        "How sending a fax on to a fax machine went (§5.5-5.6): the machine did not answer, or it "
        "answered and SendFAX reported its result (FAXSTATUS, FAXPAGES, FAXERROR)"
    )

    fax_id: str
    user_id: Identifier
    to_number: str
    delivered: bool = Field(description="The fax went through: SendFAX ended with FAXSTATUS SUCCESS")
    reason: str = Field(
        description="sent, fax failed (answered, SendFAX did not succeed), busy, no answer, congestion, "
        "failed, hangup, no outcome from Asterisk"
    )
    pages: int | None = Field(default=None, description="Pages transmitted (FAXPAGES), once SendFAX ran")
    error: str | None = Field(default=None, description="SendFAX's FAXERROR when it did not succeed")
    remote_station_id: str | None = Field(
        default=None, description="The receiving machine's id (REMOTESTATIONID)"
    )


class FaxNotReceived(Contract):
    subject = "gateway.fax.not_received.v1"
    summary = (
        "A fax machine called a mailbox (§1, §5.5) and ReceiveFAX did not succeed: nothing was "
        "deposited; FAXSTATUS, FAXERROR and the pages seen say why"
    )

    call_id: str
    mailbox: str = Field(description="The mailbox the fax was for: a user id or team:<id>")
    caller_number: str | None = None
    status: str | None = Field(
        default=None, description="ReceiveFAX's FAXSTATUS (FAILED), if Asterisk set it"
    )
    error: str = Field(description="ReceiveFAX's FAXERROR, or what else went wrong")
    pages: int = Field(default=0, description="Pages received before it failed (FAXPAGES); none are kept")
