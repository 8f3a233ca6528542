"""Real parts for notify's stories: an SMTP server (aiosmtpd), the smsbox fake, a notify process.

``SmtpServer`` is a real SMTP server (aiosmtpd) in a thread; each message it accepts is
parsed with the standard ``email`` package. ``FakeSmsbox`` is a fake of Kannel's smsbox
``sendsms`` HTTP interface (named as a fake; the Kannel tests use the real smsbox).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import threading
import urllib.parse
from collections.abc import Callable
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Generic, TypeVar

from aiosmtpd.controller import Controller
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.serviceprocess import ServiceProcess, service_process
from smartnumbers_notify.kannel import RECEIVED

T = TypeVar("T")


class Arrivals(Generic[T]):
    """What a server received, awaitable from a test without polling."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._changed = threading.Condition()

    def add(self, item: T) -> None:
        with self._changed:
            self.items.append(item)
            self._changed.notify_all()

    async def wait_for(self, condition: Callable[[list[T]], bool], seconds: float = 15.0) -> list[T]:
        def wait() -> bool:
            with self._changed:
                return self._changed.wait_for(lambda: condition(self.items), seconds)

        if not await asyncio.to_thread(wait):
            raise AssertionError(f"not received in {seconds}s; received: {self.items!r}")
        return list(self.items)

    async def at_least(self, n: int, seconds: float = 15.0) -> list[T]:
        return await self.wait_for(lambda items: len(items) >= n, seconds)


class SmtpServer:
    """A real SMTP server on a free port. ``refuse`` makes it answer 550 for a recipient."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: Arrivals[EmailMessage] = Arrivals()
        self.refuse: dict[str, str] = {}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.add(parsed)
        return "250 Message accepted for delivery"

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class FakeSmsbox:
    """Fake of Kannel smsbox's ``GET /cgi-bin/sendsms`` (same parameters and answers).

    ``answers`` are status codes to give, in order, before accepting (503 = Kannel's
    "queue full", a transient failure).
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.received: Arrivals[dict[str, str]] = Arrivals()
        self.answers: list[int] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                if url.path != "/cgi-bin/sendsms":
                    status, body = 404, "Unknown request"
                elif fake.answers:
                    status, body = fake.answers.pop(0), "3: Queue full"
                else:
                    status, body = 202, "0: Accepted for delivery"
                    fake.received.add(params)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/sendsms"

    def texts_to(self, number: str) -> list[str]:
        return [p["text"] for p in self.received.items if p["to"] == number]

    def __enter__(self) -> FakeSmsbox:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def notify_process(
    tmp: Path,
    nats_url: str,
    keys: tuple[Path, Path],
    smtp: SmtpServer,
    sendsms_url: str,
    **env: str,
) -> ServiceProcess:
    settings = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMS_GATEWAY": "kannel",
        "KANNEL_SENDSMS_URL": sendsms_url,
        "KANNEL_PASSWORD": "secret",
        "NOTIFY_SIGNING_KEY_FILE": str(keys[0]),
        "DELIVERY_BACKOFF_SECONDS": json.dumps([0.2, 0.4]),
    }
    return service_process("notify", tmp / "var", nats_url, keys[1], tmp / "notify.log", **(settings | env))


class FakeSmscOutput:
    """Reads what Kannel's ``fakesmsc`` (the SMSC of the Kannel tests) prints for each message."""

    def __init__(self) -> None:
        self.received: Arrivals[dict[str, str]] = Arrivals()
        self.read_end, self.write_end = os.pipe()

    def follow(self) -> None:
        def read() -> None:
            with os.fdopen(self.read_end, "rb") as lines:
                for raw in lines:
                    found = RECEIVED.search(raw.decode("utf-8", "replace"))
                    if found:
                        message = found.groupdict()
                        if message["kind"] == "udh":  # one part of a concatenated SMS: "<udh> data <text>"
                            udh, _, payload = message["body"].partition(" data ")
                            header = urllib.parse.unquote_to_bytes(udh)
                            message["part"] = f"{header[-1]}/{header[-2]}"
                            message["body"] = urllib.parse.unquote_plus(payload)
                        if message["kind"] in ("ucs2", "ucs-2"):
                            message["body"] = urllib.parse.unquote_to_bytes(
                                message["body"].replace("+", "%20")
                            ).decode("utf-16-be")
                        self.received.add(message)

        threading.Thread(target=read, daemon=True).start()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), for an SMTP server that requires STARTTLS."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


class SecureSmtpServer(SmtpServer):
    """A real SMTP server that requires STARTTLS, then AUTH (one user and password)."""

    def __init__(self, directory: Path, username: str, password: str) -> None:
        import ssl

        from aiosmtpd.smtp import AuthResult, LoginPassword

        super().__init__()
        self.cert_file, key_file = self_signed_certificate(directory)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, key_file)
        self.logins: list[str] = []

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
                username.encode(),
                password.encode(),
            )
            if ok:
                self.logins.append(username)
            return AuthResult(success=ok, handled=False)

        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            authenticator=authenticator,
            auth_required=True,
        )
