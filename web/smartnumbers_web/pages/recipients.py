"""Who a voicemail goes to, as a person types it: "the name or phone number of the user or team"
(§5.3.4, §5.4.1), found in the directory; ``user:<id>`` and ``team:<id>`` are taken as they are."""

from __future__ import annotations

import re

from smartnumbers_web.api import Api, ApiError

ADDRESS = re.compile(r"^(user|team):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_RECIPIENTS = 100  # the mailbox's bound
MAX_TYPED = 100  # the directory's search box


class NotRecipients(Exception):
    """What the person typed does not name users and teams: ``str(error)`` says why, in the page's words."""


def typed(text: str) -> list[str]:
    """``"Mark Moss, team:support; 01632 960001"`` → the three names, numbers or ids typed."""
    return [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]


async def found(api: Api, text: str) -> str:
    """One recipient: ``user:<id>`` or ``team:<id>``, from the directory when a name or number."""
    if ADDRESS.match(text):
        return text
    if len(text) > MAX_TYPED:
        raise NotRecipients(f"{text[:20]}… is longer than {MAX_TYPED} characters")
    try:
        results = await api.get("directory", "/v1/search", params={"q": text, "limit": 20})
    except ApiError as error:
        raise NotRecipients(f"{text}: {error.detail}") from None
    people = [r for r in results if r["kind"] in ("user", "team")]
    exact = [r for r in people if text.casefold() in (r["id"].casefold(), r["display_name"].casefold())]
    chosen = exact if len(exact) == 1 else people
    if not chosen:
        raise NotRecipients(f"Nobody in the directory is called {text} or has that number.")
    if len(chosen) > 1:
        names = ", ".join(f"{r['display_name']} ({r['kind']}:{r['id']})" for r in chosen[:5])
        raise NotRecipients(f"{text} could be {names}: type more of the name, or the number.")
    return f"{chosen[0]['kind']}:{chosen[0]['id']}"


async def recipients(api: Api, text: str) -> list[str]:
    """Every recipient typed, found; at least one."""
    names = typed(text)
    if not names:
        raise NotRecipients("Say who to send it to: a name, a number, or team:<id> for a team.")
    if len(names) > MAX_RECIPIENTS:
        raise NotRecipients(f"At most {MAX_RECIPIENTS} recipients at once.")
    return list(dict.fromkeys([await found(api, name) for name in names]))
