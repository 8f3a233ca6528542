"""The gateway's settings: its ports, how numbers become dial strings, how long to wait for routing."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict
from smartnumbers_kit.settings import DEV_ISSUER, ServiceSettings

DEV_SIGNING_KEY = Path("var/dev-keys/jwt-private.pem")


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "gateway"
    port: int = Field(default=8100, validation_alias="GATEWAY_PORT")
    agi_host: str = Field(default="127.0.0.1", validation_alias="FASTAGI_HOST")
    agi_port: int = Field(default=4573, validation_alias="FASTAGI_PORT")
    agi_backlog: int = Field(default=1024, validation_alias="FASTAGI_BACKLOG")
    agi_header_timeout: float = Field(default=2.0, validation_alias="FASTAGI_HEADER_TIMEOUT")
    dial_template: str = Field(
        default="PJSIP/{e164}@trunk",
        validation_alias="GATEWAY_DIAL_TEMPLATE",
        description="How a number becomes a Dial() string: {e164} (+441632960001) or {digits} (441632960001)",
    )
    routing_timeout: float = Field(default=0.5, validation_alias="GATEWAY_ROUTING_TIMEOUT")
    spool_dir: Path = Field(
        default=Path("var/spool"),
        validation_alias="SPOOL_DIR",
        description="Shared with Asterisk: recordings and spoken prompts",
    )
    ami_host: str = Field(default="", validation_alias="AMI_HOST", description="Empty: AMI not used")
    ami_port: int = Field(default=5038, validation_alias="AMI_PORT")
    ami_username: str = Field(default="gateway", validation_alias="AMI_USERNAME")
    ami_secret: str = Field(default="", validation_alias="AMI_SECRET")
    mailbox_url: str = Field(default="http://127.0.0.1:8103", validation_alias="MAILBOX_URL")
    signing_key_file: Path = Field(
        default=DEV_SIGNING_KEY,
        validation_alias="GATEWAY_SIGNING_KEY_FILE",
        description="Signs the gateway's own service tokens (see service_tokens.py)",
    )
    token_issuer: str = Field(default=DEV_ISSUER, validation_alias="GATEWAY_TOKEN_ISSUER")
    presence_url: str = Field(default="http://127.0.0.1:8101", validation_alias="PRESENCE_URL")
    default_country: str = Field(default="GB", validation_alias="GATEWAY_DEFAULT_COUNTRY")
    directory_url: str = Field(default="http://127.0.0.1:8104", validation_alias="DIRECTORY_URL")

    @model_validator(mode="after")
    def _refuse_development_signing_in_production(self) -> GatewaySettings:
        """Production signs with the directory's key and issuer, never the development ones
        (as the services refuse development tokens there: kit/settings.py)."""
        if self.environment == "production":
            if self.token_issuer == DEV_ISSUER:
                raise ValueError(
                    "production refuses the development issuer: set GATEWAY_TOKEN_ISSUER "
                    "(the directory's, smartnumbers-directory)"
                )
            if (
                "signing_key_file" not in self.model_fields_set
                or self.signing_key_file.parent.name == "dev-keys"
            ):
                raise ValueError(
                    "production refuses the development signing key: set GATEWAY_SIGNING_KEY_FILE "
                    "to the directory's signing key"
                )
        return self
