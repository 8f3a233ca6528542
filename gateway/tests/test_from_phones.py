"""A desk phone dials (context from-phones): national numbers are written with the phone's
country, the platform's own numbers stay inside (routed at once), other numbers are dialled:
a desk phone of this Asterisk directly. FAKE Asterisk at the FastAGI wire, real routing on a
real bus."""

from __future__ import annotations

import nats
import phonenumbers
import pytest
from smartnumbers_gateway.asterisk.fastagi import FastAgiServer
from smartnumbers_gateway.incoming.call import IncomingCalls
from smartnumbers_gateway.incoming.from_phones import FromPhones
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.testing import own_nats_server

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.test_incoming import TEMPLATE, adam_on_his_mobile
from services.presence.tests.e2e import eventually
from services.routing.tests.e2e import routing_process

DESK_PHONES = {"+441632960100": "desk-1001", "+441632960101": "desk-1002"}


@pytest.fixture(scope="module")
def nats_server(tmp_path_factory):
    """A bus of this module's own: on the session's, other tests' people own numbers of the
    small drama range, and a desk phone's number that is someone's mailbox number there is
    the platform's own (kept inside, not dialled)."""
    with own_nats_server(tmp_path_factory.mktemp("nats-from-phones")) as server:
        yield server


@pytest.fixture(scope="module")
def routing(tmp_path_factory, nats_server, dev_keys):
    process = routing_process(tmp_path_factory.mktemp("gw-routing-phones"), nats_server.url, dev_keys[1])
    process.start()
    yield process
    process.stop()


@pytest.fixture
async def dial_out(nats_server):
    nc = await nats.connect(nats_server.url)
    agi = FastAgiServer(header_timeout=0.5)
    incoming = IncomingCalls(nc, TEMPLATE, 0.5, PlansInFlight(), desk_phones=DESK_PHONES)
    agi.add_route("dial-out", FromPhones(incoming, TEMPLATE, "GB", DESK_PHONES))
    port = free_port()
    server = await agi.serve("127.0.0.1", port, 1024)

    async def dial(number: str, desk_phone: str = "441632960100") -> FakeAgiChannel:
        return await FakeAgiChannel(
            port, script="dial-out", args=[number, "1795769518.7"], extension=number, callerid=desk_phone
        ).run()

    yield dial
    server.close()
    await server.wait_closed()
    await nc.close()


def national(e164: str) -> str:
    parsed = phonenumbers.parse(e164, None)
    return "".join(
        c for c in phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL) if c.isdigit()
    )


async def test_a_colleagues_smartnumber_in_national_format_stays_inside(routing, nats_server, dial_out):
    org, smartnumber = await adam_on_his_mobile(nats_server.url)
    dialled = national(smartnumber)  # 01632 96xxxx, as a person in the UK writes it
    assert dialled.startswith("0")
    call = await eventually(lambda: dial_out(dialled), lambda c: c.variables.get("SN_INSIDE") == "1")
    assert call.variables["SN_E164"] == smartnumber
    assert (call.variables["SN_CALL_FOR"], call.variables["SN_ORG"]) == ("adam", org)
    assert call.variables["SN_S1_DIAL"] == "Local/447700900100@phones", "Adam's plan, set in the same request"
    assert "SN_DIAL" not in call.variables, "nothing goes out to the carrier"
    assert len(call.sent) == 1, "one short conversation: one command"


async def test_other_numbers_are_dialled_a_desk_phone_of_this_asterisk_directly(routing, dial_out):
    outside = await dial_out("07700900555")
    assert (outside.variables["SN_INSIDE"], outside.variables["SN_E164"]) == ("0", "+447700900555")
    assert outside.variables["SN_DIAL"] == "Local/447700900555@phones"
    colleague = await dial_out("01632960101")
    assert colleague.variables["SN_DIAL"] == "PJSIP/desk-1002", "not out through the trunk and back"
    abroad = await dial_out("0033142685300")
    assert abroad.variables["SN_E164"] == "+33142685300"


async def test_national_numbers_are_read_in_the_phones_own_country(routing, dial_out):
    call = await dial_out("2015550199", desk_phone="12015550123")  # a desk phone in New Jersey
    assert call.variables["SN_E164"] == "+12015550199"


async def test_what_is_not_a_number_is_dialled_nowhere(routing, dial_out):
    call = await dial_out("12")
    assert (call.variables["SN_DIAL"], call.variables["SN_INSIDE"]) == ("", "0")
