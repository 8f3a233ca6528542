"""Asking the person: a menu's key (with its reading, repeat and silence rules), a confirmation."""

from __future__ import annotations

from smartnumbers_gateway.phone import keys
from smartnumbers_gateway.phone.registry import ACTIONS
from smartnumbers_gateway.phone.session import PhoneSession
from smartnumbers_gateway.phone.table import MENUS, Menu

SILENCES_BEFORE_GOODBYE = 2


async def choose(session: PhoneSession, menu: Menu) -> str | None:
    """The key chosen at ``menu`` (an option's, or ``*``); None after repeated silence."""
    line = session.line
    silences = 0
    while True:
        key = await ACTIONS[menu.reads](session, menu.keys) if menu.reads else None
        if key is None:
            key = await line.play(menu.prompt, keys=menu.keys)
        if key is None:
            key = await line.wait_key()
        if key is None:
            silences += 1
            if silences >= SILENCES_BEFORE_GOODBYE:
                return None
            continue
        silences = 0
        if key == keys.BACK or menu.option(key) is not None:
            return key
        if key != keys.REPEAT:
            await line.play("sn/invalid-key")


async def confirmed(session: PhoneSession, *read_back: object) -> bool:
    """Read something back, then ``#`` confirms; ``*``, silence or anything else does not."""
    if read_back:
        key = await session.line.play(*read_back, keys=keys.CONFIRM + keys.BACK)  # type: ignore[arg-type]
        if key == keys.CONFIRM:
            return True
        if key == keys.BACK:
            await session.line.play("sn/cancelled")
            return False
    ok = await choose(session, MENUS["confirm"]) == keys.CONFIRM
    if not ok:
        await session.line.play("sn/cancelled")
    return ok
