"""The gateway as a process of its own (``uvicorn``), the shape every cross-service test
starts it in: a real nats-server, the session's keys, and, with ``ami_port``, a FAKE
Asterisk's AMI to log in to."""

from __future__ import annotations

from pathlib import Path

from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.serviceprocess import ServiceProcess, service_process


def gateway_process(
    tmp: Path,
    nats_url: str,
    keys: tuple[Path, Path],
    *,
    ami_port: int | None = None,
    agi_port: int | None = None,
    **env: str,
) -> ServiceProcess:
    """``keys`` are (private, public): it verifies tokens with the public key and signs its own
    service tokens with the private one. ``env`` adds or overrides settings (``PRESENCE_URL``…)."""
    settings = {
        "FASTAGI_PORT": str(agi_port or free_port()),
        "GATEWAY_SIGNING_KEY_FILE": str(keys[0]),
        "SPOOL_DIR": str(tmp / "spool"),
    }
    if ami_port is not None:
        settings |= {
            "AMI_HOST": "127.0.0.1",
            "AMI_PORT": str(ami_port),
            "AMI_USERNAME": "gateway",
            "AMI_SECRET": "s3cret",
        }
    return service_process(
        "gateway", tmp / "var-gateway", nats_url, keys[1], tmp / "gateway.log", **(settings | env)
    )
