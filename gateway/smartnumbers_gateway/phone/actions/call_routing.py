"""The Call routing menu (§3.3, §3.6, §3.7.2, §3.8.1): where calls go, location, log out,
availability, delegate, team availability, call introduction — all presence's settings."""

from __future__ import annotations

from smartnumbers_gateway.phone.actions.common import (
    dialable,
    find_recipient,
    forget,
    name_of,
    number_or_here,
    on_off,
)
from smartnumbers_gateway.phone.dialogs import confirmed
from smartnumbers_gateway.phone.line import Digits, Item
from smartnumbers_gateway.phone.registry import action
from smartnumbers_gateway.phone.session import PhoneSession, Refused


async def presence(session: PhoneSession) -> dict:
    return await session.presence.get(f"{session.my_presence}/presence")


@action("read_routing")
async def read_routing(session: PhoneSession, keys_: str) -> str | None:
    now = await presence(session)
    where: list[Item] = [f"sn/location-{now['location']}"]
    if now["location_number"]:
        where += ["sn/at-number", Digits(now["location_number"])]
    return await session.line.play(
        "sn/your-location-is", *where, f"sn/availability-{now['availability']}", keys=keys_
    )


@action("select_location")
async def select_location(session: PhoneSession, location: str) -> str | None:
    """§3.3.2: the number read back and confirmed; a temporary location offers the number
    calling. Selecting (even the same location) ends extended absence (§3.9.3)."""
    line = session.line
    numbers = (await presence(session))["numbers"]
    typed = None
    if location == "temporary":
        number = await number_or_here(session)
        if number is None:
            return None
    else:
        number = numbers.get(location)
        if not number:
            await line.play("sn/no-number-for-location")
            typed = number = dialable(await line.enter("sn/enter-number"))
            if number is None:
                await line.play("sn/number-not-valid")
                return None
        if not await confirmed(session, "sn/calls-will-ring", Digits(number), "sn/press-hash-to-confirm"):
            return None
    if typed:
        await session.presence.patch(f"{session.my_presence}/numbers", {location: typed})
    body = {"location": location, **({"number": number} if location == "temporary" else {})}
    await session.presence.put(f"{session.my_presence}/location", body)
    await line.play("sn/setting-changed")
    return "call_routing"


@action("log_out")
async def log_out(session: PhoneSession, _: str) -> None:
    """§3.3.3: location None — calls go to voicemail until a location is selected again."""
    await session.presence.put(f"{session.my_presence}/location", {"location": "none"})
    await session.line.play("sn/setting-changed", "sn/location-none")


@action("set_availability")
async def set_availability(session: PhoneSession, availability: str) -> str | None:
    """Divert to voicemail (§3.6.3), to the delegate (§3.6.5: asks for one when there is none),
    PC ring, no messages, available — confirmed by saying the new availability."""
    if availability == "delegate" and not (await presence(session))["delegate_id"]:
        await session.line.play("sn/no-delegate")
        if not await _choose_delegate(session):
            return "call_routing"
    try:
        await session.presence.put(f"{session.my_presence}/availability", {"availability": availability})
    except Refused:
        await session.line.play("sn/availability-refused")
        return "call_routing"
    await session.line.play(f"sn/availability-{availability}")
    return None


@action("hear_delegate")
async def hear_delegate(session: PhoneSession, _: str) -> None:
    delegate = (await presence(session))["delegate_id"]
    if not delegate:
        await session.line.play("sn/no-delegate")
        return
    try:
        number = (await session.directory.get(f"/v1/users/{delegate}"))["profile"].get("smartnumber")
    except Refused:
        number = None
    name = await name_of(session, "user", delegate, number)
    try:
        await session.line.play("sn/your-delegate-is", name)
    finally:
        forget(name)


@action("change_delegate")
async def change_delegate(session: PhoneSession, _: str) -> None:
    if await _choose_delegate(session):
        await session.line.play("sn/setting-changed")


async def _choose_delegate(session: PhoneSession) -> bool:
    chosen = await find_recipient(session, users_only=True)
    if chosen is None:
        return False
    await session.presence.put(f"{session.my_presence}/delegate", {"delegate_id": chosen[1]})
    return True


@action("read_team_availability")
async def read_team_availability(session: PhoneSession, keys_: str) -> str | None:
    now = await presence(session)
    return await session.line.play("sn/team-calls", on_off(now["available_for_team_calls"]), keys=keys_)


@action("read_call_introduction")
async def read_call_introduction(session: PhoneSession, keys_: str) -> str | None:
    now = await presence(session)
    return await session.line.play(f"sn/call-introduction-{now['call_introduction']}", keys=keys_)


@action("set_call_introduction")
async def set_call_introduction(session: PhoneSession, setting: str) -> str:
    await session.presence.put(f"{session.my_presence}/call-introduction", {"call_introduction": setting})
    await session.line.play(f"sn/call-introduction-{setting}")
    return "call_routing"
