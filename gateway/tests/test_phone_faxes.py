"""Faxes from the keypad (§5.6.3, §5.7): details read out, sent to the machine calling or to a
number typed (the gateway's own fax-delivery command), forwarded, saved, deleted."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from smartnumbers_contracts import gateway as commands

from gateway.tests.fax_sending import fax_line
from gateway.tests.phone_platform import CALLING_FROM
from services.mailbox.tests.samples import tiff

pytestmark = pytest.mark.slow
FAXES, ACTION = "3", "7"


async def test_each_fax_is_read_out_and_three_moves_to_the_next(stage):
    adam = await stage.person("adam")
    first = await stage.fax_for(adam, pages=2, caller_number="+441632960444")
    await stage.fax_for(adam, pages=1, caller_number="+441632960555")
    call = await stage.dial(adam, adam.signs_in + FAXES + "-3" + "-*")
    fax = next(f for f in await stage.faxes_of(adam) if f["id"] == first)
    at = call.played.index("sn/fax")
    arrived = int(datetime.fromisoformat(fax["arrived_at"]).timestamp())
    assert call.played[at : at + 8] == [
        "sn/fax",
        "number:1",
        "sn/fax-from",
        "digits:441632960444",
        "number:2",
        "sn/pages",
        "sn/message-received-at",
        f"datetime:{arrived}",
    ]
    second = next(i for i, p in enumerate(call.played) if p == "sn/fax" and call.played[i + 1] == "number:2")
    assert call.played[second : second + 4] == ["sn/fax", "number:2", "sn/fax-from", "digits:441632960555"]


async def test_send_a_fax_to_the_machine_calling(stage):
    adam = await stage.person("adam")
    fax_id = await stage.fax_for(adam, pages=2)
    call = await stage.dial(adam, adam.signs_in + FAXES + ACTION + "1" + "#")
    assert f"digits:{CALLING_FROM}" in call.played and "sn/fax-sent" in call.played
    (command,) = stage.commands
    assert isinstance(command, commands.DeliverFax)
    assert (command.fax_id, command.to_number, command.user_id, command.pages) == (
        fax_id,
        f"+{CALLING_FROM}",
        adam.user_id,
        2,
    )
    assert (
        command.sha256 == hashlib.sha256(tiff(2)).hexdigest()
        and command.organisation_id == stage.organisation
    )


async def test_story_the_fax_reaches_the_machine_calling(stage, dev_keys, tmp_path):
    """§5.6.3 end to end: the menu's command, carried out by the gateway's fax delivery on a FAKE
    Asterisk — it dials the number calling, and the machine there receives the fax's pages."""
    adam = await stage.person("adam")
    fax_id = await stage.fax_for(adam, pages=2)
    async with fax_line(stage.nats_url, stage.mailbox.url, dev_keys[0], stage.spool) as line:
        # 1. Adam, at a fax machine, signs in and asks for the fax to be sent here.
        await stage.dial(adam, adam.signs_in + FAXES + ACTION + "1" + "#")
        (command,) = stage.commands
        await line.js.publish(command.subject, command.to_bytes())
        # 2. Asterisk dials the machine he is calling from; it answers and SendFAX sends the fax.
        assert (await line.originated())["Channel"] == f"Local/{CALLING_FROM}@phones"
        machine = await line.machine_answers(fax_result={"FAXPAGES": "2"})
        sent = await line.said()
    assert machine.faxes_sent == [tiff(2)]
    assert (sent.fax_id, sent.to_number, sent.delivered, sent.pages) == (fax_id, f"+{CALLING_FROM}", True, 2)
    assert not list((stage.spool / "faxes").glob("*")), "the TIFF left the spool"


async def test_send_a_fax_to_a_number_typed(stage):
    adam = await stage.person("adam")
    await stage.fax_for(adam)
    await stage.dial(adam, adam.signs_in + FAXES + ACTION + "2" + "01632960999#" + "#")
    (command,) = stage.commands
    assert command.to_number == "+441632960999"


async def test_a_number_that_cannot_be_dialled_sends_nothing(stage):
    adam = await stage.person("adam")
    await stage.fax_for(adam)
    call = await stage.dial(adam, adam.signs_in + FAXES + ACTION + "2" + "12#")
    assert "sn/number-not-valid" in call.played and stage.commands == []


async def test_forward_a_fax_to_another_user(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.fax_for(adam)
    call = await stage.dial(adam, adam.signs_in + FAXES + ACTION + "3" + f"{bob.national}#" + "#")
    assert "sn/fax-forwarded" in call.played
    (copy,) = await stage.faxes_of(bob)
    assert copy["forwarded_by"] == [adam.user_id]


async def test_save_then_delete_a_fax(stage):
    adam = await stage.person("adam")
    await stage.fax_for(adam)
    await stage.dial(adam, adam.signs_in + FAXES + ACTION + "6")
    assert [f["folder"] for f in await stage.faxes_of(adam)] == ["saved"]
    call = await stage.dial(adam, adam.signs_in + FAXES + ACTION + "7")
    assert "sn/fax-deleted" in call.played and "sn/no-faxes" in call.played
    assert await stage.faxes_of(adam) == []


async def test_no_faxes_says_so_and_returns_to_the_main_menu(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + FAXES)
    said = call.played.index("sn/no-faxes")
    assert call.played[said + 1 : said + 3] == ["sn/no-new-messages", "sn/menu-main"], "back at the main menu"
