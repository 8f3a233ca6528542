"""The state machine that walks the menu table (``table.py``) for one phone session.

At each menu: read the current setting (the menu's ``reads`` action), offer the options,
wait for a key. Silence repeats the menu once, then the session ends politely. ``*`` goes
back, ``0`` repeats, a key that is no option says so. An action that a service refuses
(or that cannot reach it) says "not done" and changes nothing; a hang-up ends the session
wherever it is — every action changes state in one call, after its confirmation.
"""

from __future__ import annotations

import logging

import httpx

from smartnumbers_gateway.phone import actions as _actions  # noqa: F401  (registers every action)
from smartnumbers_gateway.phone import keys
from smartnumbers_gateway.phone.dialogs import choose
from smartnumbers_gateway.phone.registry import ACTIONS, GoTo
from smartnumbers_gateway.phone.session import PhoneSession, Refused
from smartnumbers_gateway.phone.table import GOODBYE, MENUS

log = logging.getLogger(__name__)
GOODBYE_PROMPT = "vm-goodbye"  # Asterisk's core sound


async def run(session: PhoneSession, start: str = "main") -> None:
    name = start
    while name != GOODBYE:
        menu = MENUS[name]
        try:
            key = await choose(session, menu)
        except GoTo as jump:
            name = jump.menu
            continue
        except (Refused, httpx.HTTPError) as e:  # its reading failed: a service is away
            log.warning(
                "phone %s/%s: %s cannot be read: %s", session.organisation_id, session.user_id, name, e
            )
            await session.line.play("sn/not-done")
            name = GOODBYE if name == "main" else (menu.back or GOODBYE)
            continue
        if key is None:
            break
        if key == keys.BACK:
            name = menu.back or GOODBYE
            continue
        option = menu.option(key)
        assert option is not None
        following: str | None = None
        if option.do:
            try:
                following = await ACTIONS[option.do](session, option.arg)
            except GoTo as jump:
                following = jump.menu
            except (Refused, httpx.HTTPError) as e:  # nothing changed: say so, stay in this menu
                log.warning(
                    "phone %s/%s: %s not done: %s", session.organisation_id, session.user_id, option.do, e
                )
                await session.line.play("sn/not-done")
                continue
        name = following or option.to or name
    await session.line.play(GOODBYE_PROMPT)
    await session.line.request.command("HANGUP")
