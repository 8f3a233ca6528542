"""What the gateway asks of the mailbox over HTTP: the greeting a caller hears, its audio,
and depositing what the caller left, a message or a fax (all as ``service``)."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import httpx

from smartnumbers_gateway.clients.http import ServiceApi
from smartnumbers_gateway.clients.service_tokens import ServiceTokens


@dataclass(frozen=True)
class Greeting:
    heard: str
    audio_path: str | None
    name_audio_path: str | None
    number: str | None
    takes_messages: bool


def spool_file(target: Path, content: bytes) -> Path:
    """``content`` written to ``target`` all at once (renamed into place); a 16 kHz WAV gets
    Asterisk's ``.wav16`` extension instead of ``.wav``."""
    if target.suffix == ".wav" and wav_rate(content) == 16000:
        target = target.with_suffix(".wav16")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(content)
    partial.rename(target)
    return target


def wav_rate(content: bytes) -> int | None:
    try:
        with wave.open(io.BytesIO(content)) as w:
            return w.getframerate()
    except (wave.Error, EOFError):
        return None


def mailbox_path(mailbox: str) -> str:
    """``adam`` or ``team:sales`` → ``/v1/mailboxes/users/adam`` or ``/v1/mailboxes/teams/sales``."""
    kind, _, owner = mailbox.rpartition(":")
    return f"/v1/mailboxes/{(kind or 'user') + 's'}/{owner}"


class MailboxClient:
    def __init__(
        self,
        base_url: str,
        tokens: ServiceTokens,
        timeout: float = 3.0,
        shared: httpx.AsyncClient | None = None,
    ) -> None:
        self.http = ServiceApi(base_url, shared, timeout)
        self.tokens = tokens

    def _auth(self, organisation_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.for_organisation(organisation_id)}"}

    async def greeting(self, organisation_id: str, mailbox: str) -> Greeting:
        r = await self.http.get(f"{mailbox_path(mailbox)}/greeting", headers=self._auth(organisation_id))
        r.raise_for_status()
        return Greeting(**r.json())

    async def download(self, organisation_id: str, path: str, target: Path) -> Path:
        """Fetch a recording (or a fax image) into the spool Asterisk plays from; the file
        written, which for a 16 kHz recording is ``.wav16`` (Asterisk reads ``.wav`` as 8 kHz
        only): play it by its name without the extension, remove the path returned."""
        r = await self.http.get(path, headers=self._auth(organisation_id))
        r.raise_for_status()
        return spool_file(target, r.content)

    async def deposit(
        self,
        organisation_id: str,
        mailbox: str,
        wav: bytes,
        caller_number: str | None,
        caller_name: str | None,
    ) -> str:
        params = {k: v for k, v in {"caller_number": caller_number, "caller_name": caller_name}.items() if v}
        r = await self.http.post(
            f"{mailbox_path(mailbox)}/messages",
            content=wav,
            params=params,
            headers={**self._auth(organisation_id), "Content-Type": "audio/wav"},
        )
        r.raise_for_status()
        return r.json()["id"]

    async def deposit_fax(
        self, organisation_id: str, mailbox: str, tiff: bytes, caller_number: str | None
    ) -> str:
        """A fax received (§5.5): the mailbox keeps it and sends it on as its owner chose."""
        r = await self.http.post(
            f"{mailbox_path(mailbox)}/faxes",
            content=tiff,
            params={"caller_number": caller_number} if caller_number else {},
            headers={**self._auth(organisation_id), "Content-Type": "image/tiff"},
        )
        r.raise_for_status()
        return r.json()["id"]

    async def record_greeting(self, organisation_id: str, user_id: str, greeting: str, wav: bytes) -> None:
        r = await self.http.put(
            f"/v1/mailboxes/users/{user_id}/greetings/{greeting}",
            content=wav,
            headers={**self._auth(organisation_id), "Content-Type": "audio/wav"},
        )
        r.raise_for_status()

    async def send_voicemail(self, organisation_id: str, sender: str, to: list[str], wav: bytes) -> None:
        r = await self.http.post(
            "/v1/voicemails",
            content=wav,
            params=[("to", t) for t in to] + [("sender", sender)],
            headers={**self._auth(organisation_id), "Content-Type": "audio/wav"},
        )
        r.raise_for_status()

    async def new_messages(self, organisation_id: str, user_id: str) -> list[dict]:
        """The New messages in the order the phone plays them (urgent first, then oldest)."""
        r = await self.http.get(
            f"/v1/mailboxes/users/{user_id}/messages",
            params={"folder": "new"},
            headers=self._auth(organisation_id),
        )
        r.raise_for_status()
        return r.json()

    async def close(self) -> None:
        await self.http.aclose()
