"""The directory's settings: the shared ones, plus its port, signing key and password hashing cost."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict
from smartnumbers_kit.settings import ServiceSettings


class DirectorySettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "directory"
    port: int = Field(default=8104, validation_alias="DIRECTORY_PORT")
    signing_key_file: Path | None = Field(default=None, validation_alias="DIRECTORY_SIGNING_KEY_FILE")
    default_country: str = Field(
        default="GB",
        validation_alias="DIRECTORY_DEFAULT_COUNTRY",
        description="How numbers typed at sign-in are read when not in +format",
    )
    access_token_seconds: int = Field(default=15 * 60, validation_alias="DIRECTORY_ACCESS_TOKEN_SECONDS")
    refresh_token_days: int = Field(default=30, validation_alias="DIRECTORY_REFRESH_TOKEN_DAYS")
    log_follow_seconds: float = Field(
        default=1.0,
        gt=0,
        validation_alias="DIRECTORY_LOG_FOLLOW_SECONDS",
        description="How often the read side picks up commits made elsewhere (another replica)",
    )
    argon2_time_cost: int = Field(default=3, validation_alias="DIRECTORY_ARGON2_TIME_COST")
    argon2_memory_kib: int = Field(default=65536, validation_alias="DIRECTORY_ARGON2_MEMORY_KIB")

    @model_validator(mode="after")
    def _production_needs_a_signing_key(self) -> DirectorySettings:
        if self.environment == "production" and self.signing_key_file is None:
            raise ValueError("production needs DIRECTORY_SIGNING_KEY_FILE")
        return self

    def signing_key_path(self) -> Path:
        return self.signing_key_file or self.var_dir / "dev-keys" / "jwt-private.pem"
