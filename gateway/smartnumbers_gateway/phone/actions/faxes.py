"""Faxes (§5.6.3, §5.7): each fax's details, then send it to the fax machine calling or to a
number entered (a ``gateway.fax.deliver.v1`` command, as the mailbox's own deliveries),
forward it to a user, save or delete it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from uuid import uuid4

from smartnumbers_contracts import gateway as commands

from smartnumbers_gateway.phone.actions.common import dialable, find_recipient, when
from smartnumbers_gateway.phone.dialogs import confirmed
from smartnumbers_gateway.phone.line import Digits, Number
from smartnumbers_gateway.phone.registry import GoTo, action
from smartnumbers_gateway.phone.session import PhoneSession


@action("open_faxes")
async def open_faxes(session: PhoneSession, _: str) -> None:
    session.faxes = await session.mailbox.get(f"{session.my_mailbox}/faxes")
    session.fax_index = 0


@action("read_fax")
async def read_fax(session: PhoneSession, keys_: str) -> str | None:
    fax = session.fax
    if fax is None:
        await session.line.play("sn/no-more-faxes" if session.faxes else "sn/no-faxes")
        raise GoTo("main")
    sender = ("sn/fax-from", Digits(fax["caller_number"])) if fax["caller_number"] else ()
    return await session.line.play(
        "sn/fax",
        Number(session.fax_index + 1),
        *sender,
        Number(fax["pages"]),
        "sn/pages",
        "sn/message-received-at",
        await when(session, fax["arrived_at"]),
        keys=keys_,
    )


@action("previous_fax")
async def previous_fax(session: PhoneSession, _: str) -> None:
    session.fax_index = max(0, session.fax_index - 1)


@action("next_fax")
async def next_fax(session: PhoneSession, _: str) -> None:
    session.fax_index += 1


def _fax_path(session: PhoneSession) -> str:
    assert session.fax is not None
    return f"{session.my_mailbox}/faxes/{session.fax['id']}"


@action("send_fax")
async def send_fax(session: PhoneSession, where: str) -> str | None:
    """§5.6.3: to the machine calling (its number read back), or to a number entered."""
    line = session.line
    number = session.calling_from if where == "here" else dialable(await line.enter("sn/enter-number"))
    if number is None:
        await line.play("sn/number-not-valid")
        return None
    if not await confirmed(session, Digits(number), "sn/press-hash-to-confirm"):
        return None
    fax = session.fax
    assert fax is not None
    image = (await session.mailbox.call("GET", fax["image_path"])).content
    await session.services.send_command(
        commands.DeliverFax(
            event_id=uuid4(),
            organisation_id=session.organisation_id,
            occurred_at=datetime.now(UTC),
            user_id=session.user_id,
            fax_id=fax["id"],
            to_number=number,
            sha256=hashlib.sha256(image).hexdigest(),
            pages=fax["pages"],
            fetch_path=fax["image_path"],
        )
    )
    await line.play("sn/fax-sent")
    return "faxes"


@action("forward_fax")
async def forward_fax(session: PhoneSession, _: str) -> str | None:
    """§5.7.1: to a user, confirmed by their recorded name."""
    to = await find_recipient(session, users_only=True)
    if to is None:
        return None
    await session.mailbox.call("POST", f"{_fax_path(session)}/forward", params={"to": f"user:{to[1]}"})
    await session.line.play("sn/fax-forwarded")
    return "faxes"


@action("save_fax")
async def save_fax(session: PhoneSession, _: str) -> str:
    await session.mailbox.call("POST", f"{_fax_path(session)}/save")
    await session.line.play("sn/fax-saved")
    return "faxes"


@action("delete_fax")
async def delete_fax(session: PhoneSession, _: str) -> str:
    await session.mailbox.call("DELETE", _fax_path(session))
    del session.faxes[session.fax_index]
    session.fax_index = min(session.fax_index, max(0, len(session.faxes) - 1))
    await session.line.play("sn/fax-deleted")
    return "faxes"
