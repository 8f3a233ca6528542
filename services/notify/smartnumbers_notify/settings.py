"""Notify's settings: the shared ones, plus SMTP, the SMS gateway (Kannel), limits and retries."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from smartnumbers_kit.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "notify"
    port: int = Field(default=8105, validation_alias="NOTIFY_PORT")
    default_country: str = Field(default="GB", validation_alias="NOTIFY_DEFAULT_COUNTRY")

    # -- email (SMTP, aiosmtplib) --------------------------------------------------
    smtp_host: str = Field(default="127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=8025, validation_alias="SMTP_PORT")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none",
        validation_alias="SMTP_SECURITY",
        description="starttls (587) or tls (465) in production",
    )
    smtp_ca_file: str | None = Field(
        default=None,
        validation_alias="SMTP_CA_FILE",
        description="CA bundle to verify the server (else the system's)",
    )
    smtp_username: str = Field(default="", validation_alias="SMTP_USERNAME")
    smtp_password: str = Field(default="", validation_alias="SMTP_PASSWORD")
    smtp_timeout_seconds: float = Field(default=30.0, validation_alias="SMTP_TIMEOUT_SECONDS")
    mail_from: str = Field(default="smartnumbers <notify@smartnumbers.invalid>", validation_alias="MAIL_FROM")
    attachment_max_bytes: int = Field(
        default=10_000_000,
        validation_alias="ATTACHMENT_MAX_BYTES",
        description="A larger attachment is replaced by a note in the email",
    )
    mailbox_url: str = Field(default="http://127.0.0.1:8103", validation_alias="MAILBOX_URL")
    signing_key_file: Path = Field(
        default=Path("var/dev-keys/jwt-private.pem"),
        validation_alias="NOTIFY_SIGNING_KEY_FILE",
        description="Signs notify's service tokens (fetching attachments from the mailbox)",
    )
    token_issuer: str = Field(default="smartnumbers-dev", validation_alias="NOTIFY_TOKEN_ISSUER")

    # -- SMS (Kannel smsbox sendsms, or files in development) ------------------------
    sms_gateway: Literal["kannel", "files"] = Field(default="kannel", validation_alias="SMS_GATEWAY")
    kannel_sendsms_url: str = Field(
        default="http://127.0.0.1:13013/cgi-bin/sendsms", validation_alias="KANNEL_SENDSMS_URL"
    )
    kannel_username: str = Field(default="notify", validation_alias="KANNEL_USERNAME")
    kannel_password: str = Field(default="", validation_alias="KANNEL_PASSWORD")
    sms_from: str = Field(default="smartnumbers", validation_alias="SMS_FROM")
    sms_dir: Path | None = Field(default=None, validation_alias="SMS_DIR", description="var/sms by default")
    sms_max_parts: int = Field(default=4, ge=1, le=10, validation_alias="SMS_MAX_PARTS")
    sms_per_user_per_minute: int = Field(default=20, ge=1, validation_alias="SMS_PER_USER_PER_MINUTE")
    sms_per_organisation_per_minute: int = Field(
        default=600, ge=1, validation_alias="SMS_PER_ORGANISATION_PER_MINUTE"
    )

    # -- delivering ------------------------------------------------------------------
    delivery_concurrency: int = Field(default=8, ge=1, validation_alias="DELIVERY_CONCURRENCY")
    delivery_max_attempts: int = Field(default=6, ge=1, validation_alias="DELIVERY_MAX_ATTEMPTS")
    delivery_backoff_seconds: list[float] = Field(
        default=[1.0, 5.0, 30.0, 120.0, 600.0], validation_alias="DELIVERY_BACKOFF_SECONDS"
    )
    routing_url: str = Field(default="http://127.0.0.1:8102", validation_alias="ROUTING_URL")
    report_tick_seconds: float = Field(
        default=60.0,
        validation_alias="REPORT_TICK_SECONDS",
        description="How often due reports are looked for",
    )
    templates_dir: Path | None = Field(
        default=None, validation_alias="NOTIFY_TEMPLATES_DIR", description="Overrides the shipped templates"
    )
