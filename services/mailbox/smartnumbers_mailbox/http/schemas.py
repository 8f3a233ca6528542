"""Request and response bodies of the mailbox's REST API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_mailbox.domain.fax_delivery import FaxDelivery
from smartnumbers_mailbox.domain.greetings import GreetingKind, Heard
from smartnumbers_mailbox.domain.mailbox import Mailbox
from smartnumbers_mailbox.domain.message import Fax as StoredFax
from smartnumbers_mailbox.domain.message import Folder
from smartnumbers_mailbox.domain.message import Message as StoredMessage


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FolderChoice(Strict):
    folder: Folder = Field(description="saved (keep beyond 30 days), new or old")


class UrgentChoice(Strict):
    urgent: bool


class ExtendedAbsenceChoice(Strict):
    enabled: bool


class AlertsChange(Strict):
    """Only the alerts given change (null or absent: unchanged)."""

    call: bool | None = Field(default=None, description="A call to your current location")
    sms: bool | None = Field(default=None, description="A text message to your mobile")
    message_waiting: bool | None = Field(
        default=None, description="The message-waiting light on your handset"
    )
    email: bool | None = Field(default=None, description="An email to your email address")
    pager: bool | None = Field(default=None, description="An alert to your pager")


class SettingsChange(Strict):
    voice_to_email: bool | None = Field(
        default=None, description="Email each new voicemail, as read (§5.1.7)"
    )
    fax_delivery: FaxDelivery | None = Field(default=None, description="Where arriving faxes go (§5.5)")
    alerts: AlertsChange | None = Field(
        default=None, description="How you are told of a new message (§3.5); users' mailboxes only"
    )


class Forwarding(BaseModel):
    by: str
    annotated: bool
    at: str


class Message(BaseModel):
    id: str
    folder: Folder
    urgent: bool
    arrived_at: datetime
    arrived_local: str = Field(description="The envelope's time and date, in the owner's time zone")
    caller_number: str | None
    caller_name: str | None
    callback_number: str | None = Field(description="Where to call the sender back, when known")
    sender_user_id: str | None
    left_for: str = Field(description="The mailbox it was first left in (user:<id> or team:<id>)")
    duration_seconds: float
    forwarded_by: list[Forwarding]
    audio_path: str

    @classmethod
    def of(cls, mailbox: Mailbox, m: StoredMessage, base: str, callback_number: str | None) -> Message:
        zone = ZoneInfo(mailbox.time_zone)
        return cls(
            id=m.id,
            folder=m.folder,
            urgent=m.urgent,
            arrived_at=m.arrived_at,
            arrived_local=m.arrived_at.astimezone(zone).strftime("%A %d %B %Y %H:%M %Z"),
            caller_number=m.caller_number,
            caller_name=m.caller_name,
            callback_number=callback_number,
            sender_user_id=m.sender_user_id,
            left_for=m.left_for or f"{mailbox.owner_kind}:{mailbox.owner_id}",
            duration_seconds=m.duration,
            forwarded_by=[Forwarding(by=f.user_id, annotated=f.annotated, at=f.at) for f in m.forwarded_by],
            audio_path=f"{base}/messages/{m.id}/audio",
        )


class Delivered(BaseModel):
    mailbox: str = Field(description="user:<id> or team:<id>")
    message_id: str


class Fax(BaseModel):
    id: str
    folder: Folder
    arrived_at: datetime
    caller_number: str | None
    pages: int
    forwarded_by: list[str]
    image_path: str

    @classmethod
    def of(cls, f: StoredFax, base: str) -> Fax:
        return cls(
            id=f.id,
            folder=f.folder,
            arrived_at=f.arrived_at,
            caller_number=f.caller_number,
            pages=f.pages,
            forwarded_by=f.forwarded_by,
            image_path=f"{base}/faxes/{f.id}/image",
        )


class Greeting(BaseModel):
    kind: GreetingKind
    duration_seconds: float
    recorded_at: datetime
    audio_path: str


class HeardGreeting(BaseModel):
    """What a caller hears (for routing): a recording, or the system default."""

    heard: Heard
    audio_path: str | None = Field(description="The recording to play; null for the system default")
    name_audio_path: str | None = Field(description="The name recording the default speaks, if any")
    number: str | None = Field(description="The number the default speaks when there is no name recording")
    takes_messages: bool = Field(
        description="False during extended absence or with availability No messages: "
        "callers cannot leave a message"
    )


class MessageAlerts(BaseModel):
    call: bool
    sms: bool
    message_waiting: bool
    email: bool
    pager: bool


class MailboxView(BaseModel):
    owner_kind: str
    owner_id: str
    new: int
    saved: int
    old: int
    faxes: int
    extended_absence: bool
    voice_to_email: bool
    fax_delivery: FaxDelivery
    fax_numbers: dict[str, str | None] = Field(description="Fax machines known from presence (§5.5)")
    alerts: MessageAlerts = Field(description="How the owner is told of a new message (§3.5)")
    greetings: list[Greeting]
    heard: Heard
    time_zone: str = Field(description="The owner's time zone: envelopes and today's greeting follow it")

    @classmethod
    def of(cls, mailbox: Mailbox, base: str) -> MailboxView:
        counts = {f: sum(1 for m in mailbox.messages.values() if m.folder == f) for f in Folder}
        return cls(
            owner_kind=mailbox.owner_kind,
            owner_id=mailbox.owner_id,
            new=counts[Folder.NEW],
            saved=counts[Folder.SAVED],
            old=counts[Folder.OLD],
            faxes=len(mailbox.faxes),
            extended_absence=mailbox.extended_absence,
            voice_to_email=mailbox.voice_to_email,
            fax_delivery=mailbox.fax_delivery,
            fax_numbers=mailbox.fax_numbers,
            alerts=MessageAlerts(**mailbox.alerts),
            heard=mailbox.heard(),
            time_zone=mailbox.time_zone,
            greetings=[
                Greeting(
                    kind=k,
                    duration_seconds=g["duration"],
                    recorded_at=g["recorded_at"],
                    audio_path=f"{base}/greetings/{k}/audio",
                )
                for k, g in mailbox.greetings.items()
            ],
        )
