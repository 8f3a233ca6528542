"""The web deployable's settings: its port, the services' base URLs, the session key."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("directory", "presence", "routing", "mailbox", "gateway", "notify")


class WebSettings(BaseSettings):
    """Defaults are `make run`'s ports; each is overridable (``DIRECTORY_URL``…)."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Literal["development", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=8080, validation_alias="WEB_PORT")

    directory_url: str = "http://127.0.0.1:8104"
    presence_url: str = "http://127.0.0.1:8101"
    routing_url: str = "http://127.0.0.1:8102"
    mailbox_url: str = "http://127.0.0.1:8103"
    gateway_url: str = "http://127.0.0.1:8100"
    notify_url: str = "http://127.0.0.1:8105"

    session_key: str = Field(
        default="",
        validation_alias="WEB_SESSION_KEY",
        description="Fernet key sealing the session cookie (every replica needs the same)",
    )
    secure_cookies: bool = Field(
        default=False,
        validation_alias="WEB_SECURE_COOKIES",
        description="Mark cookies Secure (always on in production, where the site is served over https)",
    )
    refresh_margin_seconds: float = Field(
        default=30, description="Refresh the access token this long before it expires"
    )

    @model_validator(mode="after")
    def _safe_in_production(self) -> Self:
        if self.environment == "production":
            if not self.session_key:
                raise ValueError("WEB_SESSION_KEY is required in production (one key for every replica)")
            self.secure_cookies = True
        return self

    def service_url(self, service: str) -> str:
        if service not in SERVICES:
            raise KeyError(service)
        return str(getattr(self, f"{service}_url")).rstrip("/")
