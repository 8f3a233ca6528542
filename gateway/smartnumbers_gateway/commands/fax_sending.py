"""A fax machine answered (§5.5, §5.6): send the fax, and say how it went.

``AGI(agi://gateway/fax-send,<command id>,<organisation>,<user>,<fax id>,<to number>)``, run by
the dialplan's ``sn-fax-out,send`` on the call ``FaxDelivery`` placed. ``SendFAX`` sends the TIFF
that command put in the spool; its result — ``FAXSTATUS``, ``FAXPAGES``, ``FAXERROR``,
``REMOTESTATIONID`` — is read even when the machine has hung up (it does when it is done) and
published as ``gateway.fax.sent.v1`` (the same event id ``FaxDelivery`` would use). The TIFF
leaves the spool, sent or not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from smartnumbers_contracts import calls

from smartnumbers_gateway.asterisk.fastagi import AgiRequest
from smartnumbers_gateway.asterisk.numbers import e164
from smartnumbers_gateway.asterisk.wire_text import agi_quoted
from smartnumbers_gateway.commands.fax_delivery import FAX_ID, fax_sent, outgoing_tiff
from smartnumbers_gateway.incoming.fax import RESULT, pages

log = logging.getLogger(__name__)


class FaxSending:
    def __init__(self, spool: Path, publish: Callable[[calls.FaxSent], None]) -> None:
        self.spool, self.publish = spool, publish

    async def __call__(self, request: AgiRequest) -> None:
        command_id, organisation_id, user_id, fax_id, to_number = [*request.args, "", "", "", "", ""][:5]
        try:
            command = UUID(command_id)
        except ValueError:
            log.error("fax-send: %r is not a delivery command's id; nothing sent", command_id[:40])
            return
        if not FAX_ID.fullmatch(fax_id) or e164(to_number) != to_number or not organisation_id or not user_id:
            log.error("fax-send %s: arguments %r refused; nothing sent", command, request.args)
            return
        tiff = outgoing_tiff(self.spool, command)
        try:
            if not tiff.is_file():
                reason, result = "fax failed", {"error": f"the fax image is not in the spool ({tiff})"}
            else:
                reason, result = await self._send(request, tiff)
        finally:
            tiff.unlink(missing_ok=True)
        log.log(
            logging.INFO if reason == "sent" else logging.WARNING,
            "fax %s to %s: %s %s",
            fax_id,
            to_number,
            reason,
            result,
        )
        self.publish(fax_sent(command, organisation_id, user_id, fax_id, to_number, reason, **result))

    async def _send(self, request: AgiRequest, tiff: Path) -> tuple[str, dict[str, str | int | None]]:
        ran = await request.command(f"EXEC SendFAX {agi_quoted(str(tiff))}")
        if ran.get("result", ("", ""))[0] == "-2":
            return "fax failed", {
                "error": "SendFAX is not in this Asterisk (load res_fax and res_fax_spandsp)"
            }
        found = await request.variables_after(*RESULT)
        sent = found["FAXSTATUS"] == "SUCCESS"
        return "sent" if sent else "fax failed", {
            "pages": pages(found["FAXPAGES"]),
            "error": None if sent else (found["FAXERROR"] or "SendFAX did not succeed"),
            "remote_station_id": found["REMOTESTATIONID"] or None,
        }
