"""Routing's settings: the shared ones, plus its port and default ring time."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from smartnumbers_kit.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "routing"
    port: int = Field(default=8102, validation_alias="ROUTING_PORT")
    ring_seconds: int = Field(default=20, validation_alias="ROUTING_RING_SECONDS")
