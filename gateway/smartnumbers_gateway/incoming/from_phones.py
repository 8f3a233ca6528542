"""A call from a desk phone of this Asterisk (context ``from-phones``): where does it go?

People dial as they write numbers (``01632 960001``, ``+44 1632 960001``, ``00 44 …``). The
number is written as E.164 with the phone's country (the country of the phone's own
number, its caller id, which provisioning sets to the user's number in their
organisation's country; else ``GATEWAY_DEFAULT_COUNTRY``). Routing is asked whether it is
one of the platform's own numbers: then the call stays inside, never out to the carrier
and back: this one request is the call's plan (as ``incoming`` would have set it, the rota
of a round-robin team moved on once), and the dialplan walks it in ``sn-incoming``.
Anything else is dialled: a desk phone of this Asterisk directly, other numbers through
``GATEWAY_DIAL_TEMPLATE`` (and when routing cannot say, through the carrier).

``AGI(agi://gateway/dial-out,${EXTEN},${SN_CALL_ID})`` sets ``SN_E164``, ``SN_INSIDE``
(1: the plan's variables are set too) and ``SN_DIAL`` (empty: not a number anyone can dial).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import phonenumbers
from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.errors import Invalid

from smartnumbers_gateway.asterisk.fastagi import AgiRequest
from smartnumbers_gateway.asterisk.numbers import dial_string, e164
from smartnumbers_gateway.incoming.call import IncomingCalls

log = logging.getLogger(__name__)


def phone_country(own_number: str | None, default_country: str) -> str:
    """The country a desk phone's user writes national numbers in: their own number's."""
    if own_number:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(own_number, None))
        if region and region != "001":
            return str(region)
    return default_country


class FromPhones:
    def __init__(
        self,
        incoming: IncomingCalls,
        dial_template: str,
        default_country: str,
        desk_phones: Mapping[str, str] | None = None,
    ) -> None:
        self.incoming, self.dial_template, self.default_country = incoming, dial_template, default_country
        self.desk_phones = desk_phones if desk_phones is not None else {}

    async def __call__(self, request: AgiRequest) -> None:
        args = [*request.args, "", ""]
        dialled, call_id = args[0], args[1] or request.headers.get("agi_uniqueid", "")
        own = e164(request.headers.get("agi_callerid"))
        country = phone_country(own, self.default_country)
        try:
            number = to_e164(dialled, country, what="number dialled")
        except Invalid as e:
            log.info("desk phone %s: %s", own, e)
            await request.set_variables({"SN_E164": "", "SN_INSIDE": "0", "SN_DIAL": ""})
            return
        plan = await self.incoming.ask(request, number, call_id)
        if plan.call_for_kind != "unknown" and not plan.fallback:
            await self.incoming.follow(request, plan, call_id, also={"SN_E164": number, "SN_INSIDE": "1"})
            return
        dial = dial_string(self.dial_template, [number], self.desk_phones)
        await request.set_variables({"SN_E164": number, "SN_INSIDE": "0", "SN_DIAL": dial})
