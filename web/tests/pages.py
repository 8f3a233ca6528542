"""What a person does in the browser, step by step (shared by the stories)."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

from web.tests.stack import Person

_axe = Axe()


def sign_in(page: Any, person: Person, password: str | None = None) -> None:
    page.goto("/")
    page.get_by_label("Smartnumber or mailbox number").fill(person.number)
    page.get_by_label("Password").fill(password or person.password)
    page.get_by_role("button", name="Sign in").click()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is."""
    results = _axe.run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['html'][:120]})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def wait_for_live(page: Any) -> None:
    """Until the page's live feed (htmx SSE) is open: changes after this show up in it."""
    page.wait_for_function("() => window.__liveOpen === true")
