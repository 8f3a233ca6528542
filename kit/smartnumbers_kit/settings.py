"""Typed settings shared by every service (read from the environment)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ISSUER = "smartnumbers-dev"
DIRECTORY_ISSUER = "smartnumbers-directory"


class ServiceSettings(BaseSettings):
    """Settings every service has. A service subclasses it to add its own and its port.

    Shared names are read unprefixed (``NATS_URL``, ``PERSISTENCE``…) so one
    environment configures all services; each service's port is ``<NAME>_PORT``.
    """

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    environment: Literal["development", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000

    nats_url: str = "nats://127.0.0.1:4322"
    nats_user: str = Field(default="", description="This service's NATS user (empty: no authentication)")
    nats_password: SecretStr = SecretStr("")
    stream_replicas: int = Field(default=1, ge=1, le=5)

    persistence: Literal["sqlite", "postgres"] = "sqlite"
    var_dir: Path = Path("var")
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_dbname: str = "smartnumbers"
    postgres_user: str = "postgres"
    postgres_password: str = ""
    postgres_schema: str = ""
    postgres_pool_size: int = Field(
        default=10, ge=1, description="Connections each application keeps open to PostgreSQL"
    )
    postgres_max_overflow: int = Field(
        default=10, ge=0, description="Connections it may open beyond the pool under load"
    )

    jwt_public_key_file: Path | None = None
    jwt_jwks_url: str | None = Field(default=None, description="The directory's /.well-known/jwks.json")
    jwt_audience: str = "smartnumbers"
    jwt_issuers: list[str] = [DEV_ISSUER, DIRECTORY_ISSUER]

    log_level: str = "INFO"
    shutdown_drain_seconds: float = Field(
        default=8.0, description="On shutdown, how long to keep publishing what is committed"
    )
    consumer_max_deliveries: int = Field(default=5, ge=1)
    consumer_backoff_seconds: list[float] = [0.5, 2.0, 10.0, 30.0]

    @model_validator(mode="after")
    def _refuse_unsafe_production_defaults(self) -> ServiceSettings:
        if self.environment == "production":
            if DEV_ISSUER in self.jwt_issuers:
                raise ValueError(
                    "production refuses development tokens: drop smartnumbers-dev from JWT_ISSUERS"
                )
            if self.jwt_public_key_file is None and not self.jwt_jwks_url:
                raise ValueError(
                    "production needs JWT_JWKS_URL (the directory's keys) or JWT_PUBLIC_KEY_FILE"
                )
        return self

    def nats_credentials(self) -> dict[str, str]:
        """Keyword arguments of :func:`smartnumbers_kit.bus.connect` for this service's NATS user."""
        if not self.nats_user:
            return {}
        return {"user": self.nats_user, "password": self.nats_password.get_secret_value()}

    def public_key_path(self) -> Path:
        return self.jwt_public_key_file or self.var_dir / "dev-keys" / "jwt-public.pem"
