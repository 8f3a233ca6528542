"""The menu table as the guide's missing Appendix A (``docs/phone-menus.md``) and as the
menu prompts of ``deploy/asterisk/prompts.txt``.

    python -m smartnumbers_gateway.phone.docs          # rewrite both (make phone-menus)
    python -m smartnumbers_gateway.phone.docs --check  # exit 1 if either is stale
"""

from __future__ import annotations

import sys
from collections import deque
from pathlib import Path

from smartnumbers_gateway.phone import keys
from smartnumbers_gateway.phone.table import GOODBYE, MENUS, Menu, all_prompts

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "phone-menus.md"
PROMPTS = ROOT / "deploy" / "asterisk" / "prompts.txt"
BEGIN = "# --- phone menus: generated from gateway/smartnumbers_gateway/phone/table.py (make phone-menus) ---"
END = "# --- end of phone menus ---"


READS = {
    "read_mailbox": "how many new messages you have",
    "play_message": 'the message ("Message 1", "Urgent", then what was said)',
    "read_routing": "where your calls go now: the location, its number and your availability",
    "read_today_greeting": "whether you have a temporary greeting",
    "read_call_introduction": "your call introduction setting",
    "read_team_availability": "whether you take team calls",
    "read_alerts": "each alert, on or off",
    "read_alert": "whether this alert is on or off",
    "read_name_greeting": "whether your name is recorded",
    "read_permanent_greeting": "whether you have a permanent greeting",
    "read_extended_absence": "whether extended absence is on",
    "read_delivery": "voice to email on or off, and where faxes go",
    "read_voice_to_email": "whether voice to email is on",
    "read_fax_delivery": "where faxes go now",
    "read_lost_calls": "whether lost call reporting is on",
    "read_delegated_calls": "whether delegated call reporting is on",
    "read_fax": "the fax: its number in the list, who sent it, its pages, when it came",
}
"""What each menu's reading says, for the printed map (a test checks every reading has one)."""


def paths() -> dict[str, list[str]]:
    """The keys that reach each menu from the main menu (shortest), for "How to get there"."""
    found: dict[str, list[str]] = {"main": []}
    queue = deque(["main"])
    while queue:
        menu = MENUS[queue.popleft()]
        for option in menu.options:
            if option.to and option.to not in found and not MENUS[option.to].dialog:
                found[option.to] = found[menu.name] + [option.key]
                queue.append(option.to)
    return found


def _parent(reach: dict[str, list[str]], name: str) -> Menu | None:
    """The menu one key before ``name`` on its shortest route from the main menu."""
    for other, route in reach.items():
        if route == reach[name][:-1] and any(o.to == name for o in MENUS[other].options):
            return MENUS[other]
    return None


def _key(key: str) -> str:
    return f"`{key}`"


def _does(menu: Menu, option_key: str) -> str:
    option = menu.option(option_key)
    assert option is not None
    text = option.label.removeprefix("To ").removeprefix("For ")
    text = text[0].upper() + text[1:]
    if option.to and not MENUS[option.to].dialog:
        text += f" → *{MENUS[option.to].title}*"
    return text


def markdown() -> str:
    reach = paths()
    out = [
        "# Appendix A: Phone button map",
        "",
        "<!-- Generated from gateway/smartnumbers_gateway/phone/table.py by `make phone-menus`; "
        "a test fails when this file is stale. Do not edit by hand. -->",
        "",
        "Everything you can change on the web you can also change from a telephone keypad. Dial your "
        "**mailbox number**; while your greeting plays, press `*` and enter your password followed by `#` "
        "(it is always asked, whichever phone you call from; wrong passwords count towards the lock-out "
        "of your account). Your new messages play, urgent ones first, then the main menu.",
        "",
        "## The same keys everywhere",
        "",
        "| Key | In every menu |",
        "|---|---|",
        f"| {_key(keys.BACK)} | Back to the menu before (in the main menu: goodbye). Cancels a confirmation. |",
        f"| {_key(keys.CONFIRM)} | Confirms; ends a number, a password or a recording. |",
        f"| {_key(keys.REPEAT)} | Hear the options again. |",
        f"| {_key(keys.ON)} / {_key(keys.OFF)} | In every on/off menu: switch on / switch off. |",
        f"| {_key(keys.HEAR)} / {_key(keys.RECORD)} / {_key(keys.DELETE)} | In every greeting menu: hear / "
        "record / delete. |",
        f"| {_key(keys.PREVIOUS)} / {_key(keys.NEXT)} / {_key(keys.ACTION)} | While messages or faxes are read: "
        "previous / next / action menu. |",
        f"| {_key(keys.SAVE)} / {_key(keys.REMOVE)} | In every action menu: save / delete. |",
        "",
        "Every menu first tells you the current setting, then its options; each change is confirmed. If you "
        "press nothing, the options are repeated once, then the call ends with a goodbye. Hanging up at any "
        "point leaves nothing half-done: a change happens only once you have confirmed it (a message you "
        "are leaving for someone, or a reply, is sent when you hang up, as the guide says).",
        "",
        "## Menus",
        "",
    ]
    for menu in MENUS.values():
        out.append(f"### {menu.title}" + (f" ({menu.guide})" if menu.guide else ""))
        out.append("")
        if menu.name in reach:
            keys_ = reach[menu.name]
            parent = _parent(reach, menu.name)
            shared = parent is not None and sum(o.to == menu.name for o in parent.options) > 1
            route = " ".join(_key(k) for k in (keys_[:-1] if shared else keys_))
            route += ", then the key of the one you want" if shared else ""
            out.append(f"From the main menu: {route}." if route else "Where a signed-in session starts.")
        else:
            out.append("Asked during an action." if menu.dialog else "Reached from another menu.")
        if menu.reads:
            out.append(f"First tells you {READS[menu.reads]}.")
        if menu.note:
            out.append(f"{menu.note}")
        out += ["", "| Key | Does |", "|---|---|"]
        out += [f"| {_key(o.key)} | {_does(menu, o.key)} |" for o in menu.options]
        back = (
            "Cancel"
            if menu.dialog
            else ("Goodbye" if menu.back == GOODBYE else f"Back to *{MENUS[menu.back].title}*")
        )
        out += [f"| {_key(keys.BACK)} | {back} |", f"| {_key(keys.REPEAT)} | Repeat the options |", ""]
    return "\n".join(out).rstrip() + "\n"


def prompts_file(current: str) -> str:
    """prompts.txt with its phone-menu section rewritten from the table."""
    lines = [f"{name.removeprefix('sn/')} | {text}" for name, text in all_prompts().items()]
    section = "\n".join([BEGIN, *lines, END])
    if BEGIN in current:
        head, rest = current.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + section + tail
    return current.rstrip("\n") + "\n" + section + "\n"


def main(argv: list[str]) -> int:
    wanted = {DOC: markdown(), PROMPTS: prompts_file(PROMPTS.read_text())}
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text() != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run make phone-menus", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
