"""Listening to messages and acting on them (§5.3): play, previous/next, rewind and fast
forward, the envelope, call the sender, reply, forward or divert (with an annotation),
save, delete, copy to email."""

from __future__ import annotations

import io
import wave
from typing import Any

from smartnumbers_gateway.asterisk.fastagi import Hangup
from smartnumbers_gateway.asterisk.wire_text import agi_quoted
from smartnumbers_gateway.phone import keys
from smartnumbers_gateway.phone.actions.common import (
    fetch,
    find_recipient,
    play_bytes,
    recorded,
    sample_rate,
    when,
)
from smartnumbers_gateway.phone.dialogs import choose
from smartnumbers_gateway.phone.line import Audio, Digits, Number
from smartnumbers_gateway.phone.registry import GoTo, action
from smartnumbers_gateway.phone.session import PhoneSession
from smartnumbers_gateway.phone.table import MENUS

SKIP_SECONDS = 4


def in_phone_order(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """New first (the mailbox already lists urgent first, then oldest), then the others."""
    return sorted(messages, key=lambda m: m["folder"] != "new")


async def load_messages(session: PhoneSession, new_only: bool) -> None:
    params = {"folder": "new"} if new_only else {}
    session.messages = in_phone_order(
        await session.mailbox.get(f"{session.my_mailbox}/messages", params=params)
    )
    _at(session, 0)


def _at(session: PhoneSession, index: int) -> None:
    session.message_index, session.position, session.finished, session.introduced = index, 0, False, False


@action("read_mailbox")
async def read_mailbox(session: PhoneSession, keys_: str) -> str | None:
    view = await session.mailbox.get(session.my_mailbox)
    if not view["new"]:
        return await session.line.play("sn/no-new-messages", keys=keys_)
    return await session.line.play("sn/you-have", Number(view["new"]), "sn/new-messages", keys=keys_)


@action("listen")
async def listen(session: PhoneSession, _: str) -> None:
    """Every message again: New ones first, then Saved and Old."""
    await load_messages(session, new_only=False)


@action("play_message")
async def play_message(session: PhoneSession, keys_: str) -> str | None:
    """The message menu's reading: the message itself (from where it was left), keys cut in."""
    message = session.message
    if message is None:
        await session.line.play("sn/no-more-messages" if session.messages else "sn/no-new-messages")
        raise GoTo("main")
    line = session.line
    if not session.introduced:
        session.introduced = True
        key = await line.play(
            "sn/message",
            Number(session.message_index + 1),
            "sn/urgent" if message["urgent"] else None,
            keys=keys_,
        )
        if key:
            return key
    if session.finished:
        return None
    audio = await fetch(session, message["audio_path"])  # fetching it makes a New message Old
    try:
        session.rate = sample_rate(audio)
        key = await line.play(Audio(str(audio.with_suffix("")), session.position), keys=keys_)
    finally:
        audio.unlink(missing_ok=True)
    session.position = max(line.stopped_at, session.position)
    session.finished = key is None
    return key


@action("previous_message")
async def previous_message(session: PhoneSession, _: str) -> None:
    _at(session, max(0, session.message_index - 1))


@action("next_message")
async def next_message(session: PhoneSession, _: str) -> None:
    _at(session, session.message_index + 1)


@action("rewind")
async def rewind(session: PhoneSession, _: str) -> None:
    session.position = max(0, session.position - SKIP_SECONDS * session.rate)
    session.finished = False


@action("fast_forward")
async def fast_forward(session: PhoneSession, _: str) -> None:
    session.position += SKIP_SECONDS * session.rate
    session.finished = False


@action("envelope")
async def envelope(session: PhoneSession, _: str) -> None:
    message = session.message
    if message is None:
        return
    sender = message["caller_number"] or message["callback_number"]
    await session.line.play(
        "sn/message-received-at",
        await when(session, message["arrived_at"]),
        *(("sn/message-from", Digits(sender)) if sender else ()),
        keys=keys.BACK,
    )


@action("call_sender")
async def call_sender(session: PhoneSession, _: str) -> None:
    """§5.3.3: "hold while it tries to connect you"; back to the message when the call ends."""
    message = session.message
    number = message and message["callback_number"]
    if not number:
        await session.line.play("sn/not-known-caller")
        return
    await session.line.play("sn/please-hold")
    dial = session.services.dial_template.format(e164=number, digits=number.lstrip("+"))
    await session.line.request.command(f"EXEC Dial {agi_quoted(f'{dial},60')}")


def _done_with_message(session: PhoneSession, removed: bool) -> str:
    """After an action, the next message plays (§5.3: "the system returns you to your mailbox")."""
    if removed:
        del session.messages[session.message_index]
        _at(session, session.message_index)
    else:
        _at(session, session.message_index + 1)
    return "message"


def _message_path(session: PhoneSession) -> str:
    assert session.message is not None
    return f"{session.my_mailbox}/messages/{session.message['id']}"


@action("save_message")
async def save_message(session: PhoneSession, _: str) -> str:
    await session.mailbox.put(f"{_message_path(session)}/folder", {"folder": "saved"})
    await session.line.play("sn/message-saved")
    return _done_with_message(session, removed=False)


@action("delete_message")
async def delete_message(session: PhoneSession, _: str) -> str:
    await session.mailbox.call("DELETE", _message_path(session))
    await session.line.play("sn/message-deleted")
    return _done_with_message(session, removed=True)


@action("archive_message")
async def archive_message(session: PhoneSession, _: str) -> str:
    await session.mailbox.call("POST", f"{_message_path(session)}/archive")
    await session.line.play("sn/message-emailed")
    return _done_with_message(session, removed=False)


@action("reply")
async def reply(session: PhoneSession, _: str) -> str | None:
    """§5.3.3: record, then ``#`` or hanging up sends it."""
    if not (session.message or {}).get("sender_user_id"):
        await session.line.play("sn/not-known-caller")
        return None
    data = await recorded(session, keep_if_hung_up=True)
    if data is not None:
        await session.mailbox.call(
            "POST", f"{_message_path(session)}/reply", content=data, headers={"Content-Type": "audio/wav"}
        )
    if session.line.hung_up:
        raise Hangup("hung up after replying")
    if data is None:
        return None
    await session.line.play("sn/message-sent")
    return _done_with_message(session, removed=False)


@action("forward")
async def forward(session: PhoneSession, arg: str) -> str | None:
    """§5.3.4: copy (keep) or divert, to a user or team confirmed by name, maybe annotated."""
    keep, annotate = "keep" in arg.split(","), "annotate" in arg.split(",")
    to = await find_recipient(session)
    if to is None:
        return None
    annotation, urgent = b"", False
    if annotate:
        chosen = await _annotation(session)
        if chosen is None:
            return None
        annotation, urgent = chosen
    params: dict[str, Any] = {"to": f"{to[0]}:{to[1]}", "keep": str(keep).lower()}
    if urgent:
        params["urgent"] = "true"
    await session.mailbox.call(
        "POST",
        f"{_message_path(session)}/forward",
        params=params,
        content=annotation,
        headers={"Content-Type": "audio/wav"},
    )
    await session.line.play("sn/message-forwarded")
    return _done_with_message(session, removed=not keep)


async def _annotation(session: PhoneSession) -> tuple[bytes, bool] | None:
    """Record, then: send now, listen, re-record, add to the end, mark urgent; star cancels."""
    data = await recorded(session, keep_if_hung_up=False)
    urgent = False
    while True:
        key = await choose(session, MENUS["annotation"])
        if key == keys.CONFIRM and data:
            return data, urgent
        if key in (keys.BACK, None):
            await session.line.play("sn/cancelled")
            return None
        if key == "1" and data:
            await play_bytes(session, data)
        elif key == "2":
            data = await recorded(session, keep_if_hung_up=False) or data
        elif key == "3":
            more = await recorded(session, keep_if_hung_up=False)
            data = joined(data, more) if data and more else (data or more)
        elif key == "4":
            urgent = True
            await session.line.play("sn/marked-urgent")


def joined(first: bytes, second: bytes) -> bytes:
    """Two WAV recordings of the same format, one after the other."""
    with wave.open(io.BytesIO(first)) as a, wave.open(io.BytesIO(second)) as b:
        params = a.getparams()
        frames = a.readframes(a.getnframes()) + b.readframes(b.getnframes())
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setparams(params)
        w.writeframes(frames)
    return out.getvalue()
