"""Presence's settings: the shared ones, plus its port and Call Manager heartbeat expiry."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from smartnumbers_kit.settings import ServiceSettings


class PresenceSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "presence"
    port: int = Field(default=8101, validation_alias="PRESENCE_PORT")
    default_country: str = Field(default="GB", validation_alias="PRESENCE_DEFAULT_COUNTRY")
    call_manager_ttl_seconds: float = Field(default=90, validation_alias="CALL_MANAGER_TTL_SECONDS")
    call_manager_sweep_seconds: float = Field(default=10, validation_alias="CALL_MANAGER_SWEEP_SECONDS")
    schedule_sweep_seconds: float = Field(default=15, validation_alias="SCHEDULE_SWEEP_SECONDS")
    """How often weekly schedules are checked for a period that has started."""
