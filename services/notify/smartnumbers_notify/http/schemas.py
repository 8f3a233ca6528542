"""Request and response bodies of notify's endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from smartnumbers_kit.bounds import Email, PhoneNumber, ShortText, TimeZone


class DeliveryOut(BaseModel):
    delivery_id: str
    user_id: str | None
    channel: str = Field(description="sms, email or pager")
    to: str
    reason: str = Field(description="e.g. new_voicemail_alert, voice_to_email, group_sms, lost_call")
    subject: str | None = Field(description="An email's subject")
    text: str | None = Field(description="An SMS's or email's text")
    status: str = Field(description="queued, sending, retrying, sent or failed")
    attempts: int
    queued_at: datetime
    finished_at: datetime | None
    error: str | None = Field(description="Why it failed, or why the last try failed")


class DeliveriesOut(BaseModel):
    deliveries: list[DeliveryOut] = Field(description="Newest first")


class PagerIn(BaseModel):
    pager_number: PhoneNumber | None = Field(description="The pager's number (any format); null removes it")


class PagerOut(BaseModel):
    pager_number: str | None = Field(description="E.164")


class AlertsOut(BaseModel):
    email: str | None = Field(description="From the directory")
    sms_number: str | None = Field(description="From the directory (E.164)")
    pager_number: str | None = Field(description="Set here (E.164)")
    time_zone: str = Field(description="Times in alerts are in it (from the directory)")
    alerts: dict[str, bool] = Field(description="Message alert preferences, from the mailbox (§3.5)")
    call_reporting: dict[str, bool] = Field(description="Lost and delegated call reports, from presence")


class ReportScheduleIn(BaseModel):
    reports: list[ShortText] = Field(
        max_length=10,
        description="Any of calls_per_user, calls_per_team, outcomes (answered/missed/lost), busiest_hours, "
        "time_to_answer",
    )
    frequency: ShortText = Field(description="daily, weekly (Monday to Sunday) or monthly")
    time_zone: TimeZone = Field(default="Europe/London", description="Periods begin at midnight in it")
    recipients: list[Email] = Field(max_length=50, description="Email addresses")


class ReportScheduleOut(ReportScheduleIn):
    reported_until: datetime | None = Field(description="The end of the last period reported")
