"""Mailbox's settings: the shared ones, plus its port, upload limit and sweep interval."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from smartnumbers_kit.settings import ServiceSettings


class MailboxSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "mailbox"
    port: int = Field(default=8103, validation_alias="MAILBOX_PORT")
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, validation_alias="MAILBOX_MAX_UPLOAD_BYTES")
    sweep_seconds: float = Field(
        default=60,
        validation_alias="MAILBOX_SWEEP_SECONDS",
        description="How often retention and overnight greeting deletion run",
    )
