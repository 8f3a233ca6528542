"""AMI through panoramisk's Manager: Asterisk's events in, (next) actions out.

Created inside the running loop (TELEPHONY.md). When AMI drops, panoramisk reconnects
after ``reconnect_timeout``; here that delay doubles on every failure (up to 30 s) and
resets once logged in again.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from typing import Any

from panoramisk import Manager
from panoramisk.ami_protocol import AMIProtocol

from smartnumbers_gateway.asterisk.sip_status import SipStatus
from smartnumbers_gateway.asterisk.wire_text import ami_action
from smartnumbers_gateway.background import BackgroundTasks
from smartnumbers_gateway.incoming.call_events import CallTracker
from smartnumbers_gateway.publisher import CallEventPublisher

log = logging.getLogger(__name__)
FIRST_RETRY, LAST_RETRY = 1, 30
SELF_CHECK_CHANNEL = "Local/check@sn-selfcheck"
REQUIRED_MODULES = {
    "res_agi": "every call (FastAGI)",
    "app_dial": "ringing users' phones",
    "chan_pjsip": "the carrier trunk and desk phones",
    "format_wav": "prompts and voicemail recordings",
    "res_musiconhold": "Please Hold (music on hold)",
    "res_mwi_external": "message-waiting lamps",
    "res_mwi_external_ami": "message-waiting lamps (AMI MWIUpdate)",
    "res_fax": "faxes (FAXOPT detection, ReceiveFAX, SendFAX)",
    "res_fax_spandsp": "faxes over audio (the T.30 engine res_fax needs for ReceiveFAX and SendFAX)",
}
"""The Asterisk modules the shipped flows need, and what fails without each (deploy/asterisk/README.md)."""


class SafeAmiProtocol(AMIProtocol):  # type: ignore[misc]
    """panoramisk's protocol, refusing (before a byte is written) any action whose text could
    end a header or the action: every action the gateway sends, the login included, comes here."""

    def send(self, data: Any, as_list: bool = False) -> Any:
        ami_action(data)
        return super().send(data, as_list=as_list)


class AmiLink:
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        tracker: CallTracker,
        publisher: CallEventPublisher,
        background: BackgroundTasks | None = None,
        sip: SipStatus | None = None,
    ) -> None:
        self.background = background or BackgroundTasks()
        self.tracker = tracker
        self.publisher = publisher
        self.logged_in = asyncio.Event()
        self.missing_modules: dict[str, str] = {}
        """Module → what does not work without it, as ModuleCheck said at the last (re)connect."""
        self.sip = sip or SipStatus()
        self.checked = asyncio.Event()
        """Set once the modules and the PJSIP side were checked after the last (re)connect."""
        self.manager = Manager(
            loop=asyncio.get_running_loop(),
            host=host,
            port=port,
            username=username,
            secret=secret,
            ping_delay=10,
            ping_interval=10,
            reconnect_timeout=FIRST_RETRY,
            on_login=self._on_login,
            on_disconnect=self._on_disconnect,
            protocol_factory=SafeAmiProtocol,
        )
        self.manager.register_event("*", self._on_event)

    def start(self) -> None:
        self.manager.connect()

    def close(self) -> None:
        self.manager.close()

    def _on_login(self, manager: Manager) -> None:
        log.info("AMI logged in")
        manager.reconnect_timeout = FIRST_RETRY
        self.logged_in.set()
        self.background.spawn(self.resynchronise(), name="ami-resynchronise")
        self.background.spawn(self.check_dependencies(), name="ami-check-dependencies")

    async def check_dependencies(self) -> None:
        """On (re)connecting: the modules, then the trunk and desk phones (sip_status.py)."""
        self.checked.clear()
        await self.check_modules()
        try:
            await self.sip.check(self.manager.send_action)
        except Exception as e:
            log.warning("AMI: could not ask Asterisk for its PJSIP endpoints (%s)", e)
        self.checked.set()
        await self.start_self_check()

    async def _recheck_sip(self) -> None:
        try:
            await self.sip.check(self.manager.send_action)
        except Exception as e:
            log.warning("AMI: could not ask Asterisk for its PJSIP endpoints after a reload (%s)", e)

    async def start_self_check(self) -> None:
        """Sounds and music on hold are looked for from inside Asterisk (self_check.py): a Local
        channel into sn-selfcheck, whose FastAGI request does the looking."""
        action = {
            "Action": "Originate",
            "ActionID": f"selfcheck-{uuid.uuid4().hex}",
            "Channel": SELF_CHECK_CHANNEL,
            "Application": "Wait",
            "Data": "30",
            "Async": "true",
            "Timeout": "30000",
            "CallerID": '"smartnumbers self-check" <>',
        }
        try:
            replies = await asyncio.wait_for(self.manager.send_action(action), 45)
        except Exception as e:
            log.warning("AMI: the self-check call was not placed (%s): sounds are not checked", e)
            return
        replies = replies if isinstance(replies, list) else [replies]
        if any(m.get("Response") in ("Error", "Failure") for m in replies):
            log.warning(
                "AMI: the self-check call into %s failed (%s): sounds and music on hold are not checked",
                SELF_CHECK_CHANNEL,
                "; ".join(str(m.get("Message") or m.get("Reason") or "") for m in replies),
            )

    async def check_modules(self) -> None:
        """Every module the flows need is loaded (AMI ModuleCheck); each missing one is logged
        at WARNING, saying what will not work, and shown in /readyz."""
        missing: dict[str, str] = {}
        for module, needed_for in REQUIRED_MODULES.items():
            try:
                reply = await asyncio.wait_for(
                    self.manager.send_action({"Action": "ModuleCheck", "Module": module}), 10
                )
            except Exception as e:
                log.warning("AMI: could not check Asterisk's modules (%s)", e)
                return
            reply = reply[0] if isinstance(reply, list) and reply else reply
            if reply.get("Response") != "Success":
                missing[module] = needed_for
                log.warning(
                    "Asterisk has no %s module loaded (%s): %s will not work",
                    module,
                    reply.get("Message") or "ModuleCheck failed",
                    needed_for,
                )
        self.missing_modules = missing

    async def resynchronise(self) -> None:
        """On (re)connecting: ask Asterisk which calls are still up; the others we followed have ended."""
        try:
            replies = await asyncio.wait_for(self.manager.send_action({"Action": "CoreShowChannels"}), 10)
        except Exception as e:
            log.warning("AMI: could not list the channels after connecting (%s)", e)
            return
        replies = replies if isinstance(replies, list) else [replies]
        active = {m.get("Linkedid") for m in replies if m.get("Event") == "CoreShowChannel"}
        for contract in self.tracker.resynchronise({a for a in active if a}):
            self.publisher.put(contract)

    def _on_disconnect(self, manager: Manager, exc: Exception | None) -> None:
        log.warning("AMI connection lost (%s); reconnecting in %s s", exc, manager.reconnect_timeout)
        self.logged_in.clear()
        manager.reconnect_timeout = min(manager.reconnect_timeout * 2, LAST_RETRY)

    def _on_event(self, manager: Manager, message: Any) -> None:
        plans = self.tracker.plans
        fields = dict(message.items())
        self.sip.on_event(fields)
        if fields.get("Event") == "Reload" and re.search(r"^All$|pjsip", fields.get("Module", ""), re.I):
            # Desk phones added to pjsip.conf (module reload res_pjsip.so, or core reload): learnt now.
            self.background.spawn(self._recheck_sip(), name="ami-pjsip-reloaded")
        for contract in self.tracker.on_event(fields):
            call_id = getattr(contract, "call_id", "")
            if contract.subject == "gateway.call.ended.v1" and plans.holding(call_id):
                plans.keep_until_released(call_id, contract)  # published after the voicemail
            else:
                self.publisher.put(contract)
