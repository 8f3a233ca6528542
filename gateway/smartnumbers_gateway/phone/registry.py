"""Named actions the menu table refers to (``Option.do``, ``Menu.reads``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smartnumbers_gateway.phone.session import PhoneSession

Action = Callable[["PhoneSession", str], Awaitable[str | None]]
"""Returns the menu to go to next (None: as the table says), or — for a ``reads`` action —
the key pressed while it spoke."""

ACTIONS: dict[str, Action] = {}


class GoTo(Exception):
    """Leave for another menu now (no messages left, no faxes…)."""

    def __init__(self, menu: str) -> None:
        super().__init__(menu)
        self.menu = menu


def action(name: str) -> Callable[[Action], Action]:
    def register(fn: Action) -> Action:
        if name in ACTIONS:
            raise ValueError(f"two phone actions are called {name!r}")
        ACTIONS[name] = fn
        return fn

    return register
