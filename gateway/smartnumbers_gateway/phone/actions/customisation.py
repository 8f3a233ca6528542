"""Mailbox customisation (§3.2.2, §3.5.2, §3.6.7, §3.6.9, §3.9, §5.1, §5.6.2): password,
message alerts, name and greetings, extended absence, message delivery, call reporting —
each read out first, each change confirmed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from smartnumbers_gateway.phone.actions.common import number_or_here, on_off, play_recording, recorded
from smartnumbers_gateway.phone.registry import GoTo, action
from smartnumbers_gateway.phone.session import PhoneSession, Refused

ALERTS = ("call", "sms", "message_waiting", "email", "pager")


async def mailbox(session: PhoneSession) -> dict:
    return await session.mailbox.get(session.my_mailbox)


async def presence(session: PhoneSession) -> dict:
    return await session.presence.get(f"{session.my_presence}/presence")


@action("change_password")
async def change_password(session: PhoneSession, _: str) -> None:
    """§3.2.2: the new password twice; the directory says whether it is valid (not starting with 0)."""
    line = session.line
    first = await line.enter("sn/enter-new-password")
    second = await line.enter("sn/enter-password-again") if first else None
    if not first or first != second:
        await line.play("sn/password-not-valid")
        return
    try:
        await session.directory.put(
            f"/v1/users/{session.user_id}/password", {"new_password": first, "confirm_password": second}
        )
    except Refused as e:
        if e.status != 422:
            raise
        await line.play("sn/password-not-valid")
        return
    await line.play("sn/password-changed")


@action("read_alerts")
async def read_alerts(session: PhoneSession, keys_: str) -> str | None:
    alerts = (await mailbox(session))["alerts"]
    items = [item for name in ALERTS for item in (f"sn/alert-{name}", on_off(alerts[name]))]
    return await session.line.play(*items, keys=keys_)


@action("pick_alert")
async def pick_alert(session: PhoneSession, alert: str) -> None:
    session.alert = alert


@action("read_alert")
async def read_alert(session: PhoneSession, keys_: str) -> str | None:
    alerts = (await mailbox(session))["alerts"]
    return await session.line.play(f"sn/alert-{session.alert}", on_off(alerts[session.alert]), keys=keys_)


async def _team_calls(session: PhoneSession, on: bool) -> str | None:
    await session.presence.put(f"{session.my_presence}/team-availability", {"available_for_team_calls": on})
    return None


async def _alert(session: PhoneSession, on: bool) -> str | None:
    await session.mailbox.patch(f"{session.my_mailbox}/settings", {"alerts": {session.alert: on}})
    return "customisation"  # §3.5.2: "The system will return you to the Mailbox Customisation menu."


async def _voice_to_email(session: PhoneSession, on: bool) -> str | None:
    await session.mailbox.patch(f"{session.my_mailbox}/settings", {"voice_to_email": on})
    return "message_delivery"


async def _lost_calls(session: PhoneSession, on: bool) -> str | None:
    await session.presence.put(f"{session.my_presence}/call-reporting", {"lost_calls": on})
    return "call_reporting"


async def _delegated_calls(session: PhoneSession, on: bool) -> str | None:
    await session.presence.put(f"{session.my_presence}/call-reporting", {"delegated_calls": on})
    return "call_reporting"


async def _extended_absence(session: PhoneSession, on: bool) -> str | None:
    """§3.9.2: switching it on without a greeting asks for one first."""
    if on and not any(g["kind"] == "extended_absence" for g in (await mailbox(session))["greetings"]):
        await session.line.play("sn/record-greeting-first")
        if not await _record(session, "extended_absence"):
            raise GoTo("extended_absence")  # nothing recorded: nothing switched
    await session.mailbox.put(f"{session.my_mailbox}/extended-absence", {"enabled": on})
    return None


SWITCHES: dict[str, Callable[[PhoneSession, bool], Awaitable[str | None]]] = {
    "team_calls": _team_calls,
    "alert": _alert,
    "voice_to_email": _voice_to_email,
    "lost_calls": _lost_calls,
    "delegated_calls": _delegated_calls,
    "extended_absence": _extended_absence,
}


@action("switch")
async def switch(session: PhoneSession, arg: str) -> str | None:
    """Every on/off menu: ``<setting>:on`` or ``<setting>:off``."""
    setting, _, value = arg.partition(":")
    following = await SWITCHES[setting](session, value == "on")
    await session.line.play("sn/setting-changed")
    return following


def _reads_whether_recorded(greeting: str) -> None:
    @action(f"read_{greeting}_greeting")
    async def read(session: PhoneSession, keys_: str) -> str | None:
        recorded_ = any(g["kind"] == greeting for g in (await mailbox(session))["greetings"])
        return await session.line.play("sn/greeting-recorded" if recorded_ else "sn/no-greeting", keys=keys_)


for _greeting in ("name", "permanent", "today"):
    _reads_whether_recorded(_greeting)


@action("hear_greeting")
async def hear_greeting(session: PhoneSession, greeting: str) -> None:
    if not any(g["kind"] == greeting for g in (await mailbox(session))["greetings"]):
        await session.line.play("sn/no-greeting")
        return
    await play_recording(session, f"{session.my_mailbox}/greetings/{greeting}/audio", "#")


async def _record(session: PhoneSession, greeting: str) -> bool:
    data = await recorded(session, keep_if_hung_up=False)
    if data is None:
        return False
    await session.mailbox.call(
        "PUT",
        f"{session.my_mailbox}/greetings/{greeting}",
        content=data,
        headers={"Content-Type": "audio/wav"},
    )
    await session.line.play("sn/recording-saved")
    return True


@action("record_greeting")
async def record_greeting(session: PhoneSession, greeting: str) -> None:
    """§5.1.2–§5.1.6, §3.9.1: after the tone, ``#`` ends it; saved once the person hears it was."""
    await _record(session, greeting)


@action("delete_greeting")
async def delete_greeting(session: PhoneSession, greeting: str) -> None:
    try:
        await session.mailbox.call("DELETE", f"{session.my_mailbox}/greetings/{greeting}")
    except Refused as e:
        if e.status != 404:
            raise
        await session.line.play("sn/no-greeting")
        return
    await session.line.play("sn/greeting-deleted")


@action("read_extended_absence")
async def read_extended_absence(session: PhoneSession, keys_: str) -> str | None:
    return await session.line.play(
        "sn/extended-absence", on_off((await mailbox(session))["extended_absence"]), keys=keys_
    )


@action("read_delivery")
async def read_delivery(session: PhoneSession, keys_: str) -> str | None:
    view = await mailbox(session)
    return await session.line.play(
        "sn/voice-to-email",
        on_off(view["voice_to_email"]),
        "sn/faxes-go-to",
        f"sn/fax-{view['fax_delivery']}",
        keys=keys_,
    )


@action("read_voice_to_email")
async def read_voice_to_email(session: PhoneSession, keys_: str) -> str | None:
    return await session.line.play(
        "sn/voice-to-email", on_off((await mailbox(session))["voice_to_email"]), keys=keys_
    )


@action("read_fax_delivery")
async def read_fax_delivery(session: PhoneSession, keys_: str) -> str | None:
    return await session.line.play(
        "sn/faxes-go-to", f"sn/fax-{(await mailbox(session))['fax_delivery']}", keys=keys_
    )


@action("fax_delivery")
async def fax_delivery(session: PhoneSession, where: str) -> str | None:
    """§5.6.2: a fax location without a number asks for one (``#`` alone: the number calling)."""
    if where.endswith("_fax") and not (await presence(session))["numbers"].get(where):
        await session.line.play("sn/no-number-for-location")
        number = await number_or_here(session)
        if number is None:
            return None
        await session.presence.patch(f"{session.my_presence}/numbers", {where: number})
    await session.mailbox.patch(f"{session.my_mailbox}/settings", {"fax_delivery": where})
    await session.line.play("sn/setting-changed", "sn/faxes-go-to", f"sn/fax-{where}")
    return "message_delivery"


@action("read_lost_calls")
async def read_lost_calls(session: PhoneSession, keys_: str) -> str | None:
    reporting = (await presence(session))["call_reporting"]
    return await session.line.play("sn/lost-calls", on_off(reporting["lost_calls"]), keys=keys_)


@action("read_delegated_calls")
async def read_delegated_calls(session: PhoneSession, keys_: str) -> str | None:
    reporting = (await presence(session))["call_reporting"]
    return await session.line.play("sn/delegated-calls", on_off(reporting["delegated_calls"]), keys=keys_)
