"""Faxes arriving (§1, §5.5): a fax machine calls a mailbox number, or a smartnumber whose
call goes to voicemail.

The dialplan turns fax detection on (``Set(FAXOPT(faxdetect)=yes)``) before it answers; on a
CNG tone or a T.38 offer Asterisk jumps to the context's ``fax`` extension, which runs
``AGI(agi://gateway/fax,<mailbox>,<call id>)`` (an empty mailbox: the mailbox number's owner,
from the call's plan).

Here: ``ReceiveFAX`` into the spool, then its result — ``FAXSTATUS``, ``FAXPAGES``,
``FAXERROR``, ``REMOTESTATIONID`` — read even when the sending machine has hung up, as it does
when it is done. ``SUCCESS``: the TIFF goes to the mailbox (``POST …/faxes``), which keeps it,
sends it on as its owner's fax delivery setting says and alerts them
(``mailbox.fax.received.v1``). Anything else: nothing is deposited, and
``gateway.fax.not_received.v1`` says why (FAXERROR), logged at WARNING. The TIFF leaves the
spool either way.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

import httpx
from smartnumbers_contracts import calls, routing

from smartnumbers_gateway.asterisk.fastagi import AgiRequest
from smartnumbers_gateway.asterisk.numbers import e164
from smartnumbers_gateway.asterisk.wire_text import agi_quoted
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.incoming.plans import PlansInFlight

log = logging.getLogger(__name__)
RESULT = ("FAXSTATUS", "FAXPAGES", "FAXERROR", "REMOTESTATIONID")


def mailbox_of(plan: routing.RoutingPlan) -> str | None:
    """The mailbox a mailbox number belongs to (``adam`` or ``team:sales``)."""
    if not plan.call_for or plan.call_for_kind not in ("user", "team"):
        return None
    return plan.call_for if plan.call_for_kind == "user" else f"team:{plan.call_for}"


def written(tiff: Path) -> bytes | None:
    """The image ReceiveFAX wrote (a local file in the shared spool), if it wrote one."""
    return tiff.read_bytes() if tiff.is_file() and tiff.stat().st_size > 0 else None


def pages(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


class FaxReception:
    def __init__(
        self,
        plans: PlansInFlight,
        mailbox: MailboxClient,
        spool: Path,
        announce: Callable[[calls.FaxNotReceived], None],
    ) -> None:
        self.plans, self.mailbox, self.spool, self.announce = plans, mailbox, spool, announce

    async def __call__(self, request: AgiRequest) -> None:
        args = [*request.args, "", ""]
        call_id = args[1] or request.headers.get("agi_uniqueid", "")
        plan = self.plans.get(call_id)
        mailbox = args[0] or (mailbox_of(plan) if plan else None)
        if plan is None or not plan.organisation_id or not mailbox:
            log.warning("call %s: a fax for no known mailbox; not received", call_id)
            return
        caller = e164(request.headers.get("agi_callerid"))
        tiff = self.spool / "faxes" / f"in-{uuid.uuid4().hex}.tif"
        tiff.parent.mkdir(parents=True, exist_ok=True)
        try:
            error = await self._receive(request, tiff, plan.organisation_id, mailbox, caller, call_id)
        finally:
            tiff.unlink(missing_ok=True)
        if error is not None:
            status, seen, why = error
            log.warning(
                "call %s: the fax from %s for %s was not received (%s): %s",
                call_id,
                caller or "an unknown number",
                mailbox,
                status,
                why,
            )
            self.announce(
                calls.FaxNotReceived(
                    event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:{call_id}:fax:{tiff.stem}"),
                    organisation_id=plan.organisation_id,
                    occurred_at=datetime.now(UTC),
                    call_id=call_id,
                    mailbox=mailbox,
                    caller_number=caller,
                    status=status,
                    error=why,
                    pages=seen,
                )
            )

    async def _receive(
        self,
        request: AgiRequest,
        tiff: Path,
        organisation_id: str,
        mailbox: str,
        caller: str | None,
        call_id: str,
    ) -> tuple[str | None, int, str] | None:
        """Receive and deposit; ``None`` when the fax is in the mailbox, else (FAXSTATUS, pages, why)."""
        ran = await request.command(f"EXEC ReceiveFAX {agi_quoted(str(tiff))}")
        if ran.get("result", ("", ""))[0] == "-2":
            return None, 0, "ReceiveFAX is not in this Asterisk (load res_fax and res_fax_spandsp)"
        result = await request.variables_after(*RESULT)
        status, seen = result["FAXSTATUS"], pages(result["FAXPAGES"])
        if status != "SUCCESS":
            return status, seen, result["FAXERROR"] or "ReceiveFAX did not succeed"
        image = written(tiff)
        if image is None:
            return status, seen, f"Asterisk said SUCCESS but wrote no image at {tiff}"
        try:
            fax_id = await self.mailbox.deposit_fax(organisation_id, mailbox, image, caller)
        except httpx.HTTPError as e:
            return status, seen, f"the mailbox did not take it: {e}"
        log.info(
            "call %s: fax %s of %s page(s) from %s (%s) in %s's mailbox",
            call_id,
            fax_id,
            seen,
            caller or "an unknown number",
            result["REMOTESTATIONID"] or "no station id",
            mailbox,
        )
        return None
