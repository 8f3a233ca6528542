"""The trunk, the desk phones and the self-check against a REAL Asterisk (only with ASTERISK_BIN),
started by ``make run`` as in test_real_flows.py (its fixtures, a make run of this module's own):

- at login the gateway found the trunk's identify (by address range) and its contact (not
  qualified: reachable), and its self-check call into sn-selfcheck found every sound and the
  music on hold make run provides (/readyz);
- click-to-dial: the person called is shown her smartnumber (with its +) and name;
- a desk phone (context from-phones) dialling Alice's smartnumber in national format is kept
  inside: her mobile rings, nothing is dialled through the trunk;
- Please Hold plays the music on hold, and without res_musiconhold keeps the caller, spoken
  to every 20 s.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from gateway.tests.real_asterisk import test_real_flows as flows
from gateway.tests.real_asterisk.test_real_flows import MOBILE, Ami, Platform, eventually

ROOT = Path(__file__).resolve().parents[3]
pytestmark = flows.pytestmark
if hasattr(flows, "platform"):  # its fixtures (a make run of this module's own), unless a conftest has them
    platform, ami = flows.platform, flows.ami


async def test_the_gateway_found_the_trunk_the_sounds_and_the_music_on_hold(platform: Platform) -> None:
    async def checked() -> dict[str, Any] | None:
        async with platform.client("GATEWAY_PORT") as gateway:
            body = (await gateway.get("/readyz")).json()
        return body if "asterisk_sounds" in body["checks"] else None

    body = await eventually(checked, within=60)
    checks = body["checks"]
    assert checks["asterisk_trunk_identify"] is True, checks
    assert checks["asterisk_trunk_reachable"] is True, checks
    assert checks["asterisk_sounds"] is True, [k for k, v in checks.items() if not v]
    assert checks["asterisk_moh_default"] is True, checks
    assert body["ready"] is True, [k for k, v in checks.items() if not v]


async def test_a_desk_phone_dialling_a_colleagues_national_number_stays_inside(
    platform: Platform, ami: Ami
) -> None:
    await ami.send(
        Action="Originate",
        Channel="Local/01632960001@from-phones",
        CallerID='"Desk 100" <+441632960100>',
        Application="Wait",
        Data="20",
        Timeout="15000",
        Async="true",
    )
    rung = await ami.wait_for(
        lambda e: e.get("Event") == "DialBegin" and f"{MOBILE}@sn-demo-phones" in e.get("DialString", ""),
        within=60,
    )
    assert rung
    assert not [e for e in ami.events if "@trunk" in e.get("DialString", "")], "nothing went to the carrier"


async def test_click_to_dial_shows_the_person_called_her_smartnumber_and_name(
    platform: Platform, ami: Ami
) -> None:
    platform.cli(f"database put sn-demo {MOBILE} answer")
    try:
        async with platform.client("GATEWAY_PORT") as gateway:
            accepted = await gateway.post("/v1/click-to-dial", json={"to": "07700 900778"})
        assert accepted.status_code == 202, accepted.text
        dialled = await ami.wait_for(
            lambda e: (
                e.get("Event") == "DialBegin" and "447700900778@sn-demo-phones" in e.get("DialString", "")
            )
        )
    finally:
        platform.cli(f"database del sn-demo {MOBILE}")
    # The leg that dials the person called carries Alice's identity, E.164 with its +.
    assert (dialled["CallerIDNum"], dialled["CallerIDName"]) == ("+441632960001", "Alice Archer"), dialled


async def test_please_hold_plays_music_and_without_it_stays_on_hold_spoken_to(
    platform: Platform, ami: Ami
) -> None:
    """With make run's music on hold the held caller hears it; with res_musiconhold unloaded
    MusicOnHold is no application (TryExec: NOAPP) and the caller waits to be told again that
    they are on hold, still on the line."""

    async def held(tag: str) -> str:
        await ami.send(
            Action="Originate",
            Channel="Local/s@sn-hold",
            Application="Wait",
            Data="40",
            Timeout="10000",
            Async="true",
            CallerID=f'"{tag}" <+447700900555>',
        )

        async def application() -> str | None:
            """What the held half (Local/s@sn-hold-…;2) runs once the please-hold prompt was said."""
            fields = [line.split("!") for line in platform.cli("core show channels concise").splitlines()]
            apps = [
                f"{f[5]}({f[6]})" for f in fields if len(f) > 6 and "sn-hold" in f[0] and f[0].endswith(";2")
            ]
            return next((app for app in apps if app.startswith(("MusicOnHold(", "Wait("))), None)

        return str(await eventually(application, within=30))

    assert await held("with music") == "MusicOnHold(default,600)"
    hang_up_held(platform)
    platform.cli("module unload res_musiconhold.so")
    try:
        assert await held("without music") == "Wait(20)", "spoken to every 20 s, not hung up"
    finally:
        hang_up_held(platform)
        platform.cli("module load res_musiconhold.so")


async def test_a_desk_phone_provisioned_and_reloaded_is_dialled_directly(
    platform: Platform, ami: Ami
) -> None:
    """pjsip.conf gets Alice's desk phone (the provisioning command's sections); after a reload
    the gateway dials it as PJSIP/desk-alice, not through the trunk. Not registered here: it is
    unavailable at once, and the call goes on to voicemail."""
    provision_desk_phone(platform)
    async with platform.client("PRESENCE_PORT") as presence:
        (await presence.patch("/v1/users/me/numbers", json={"desk": "01632 960100"})).raise_for_status()
        (await presence.put("/v1/users/me/location", json={"location": "desk"})).raise_for_status()
    try:
        # The gateway learns the phone from the Reload event; a call to her dials it directly
        # (unregistered, it fails before any DialBegin: the plan the channel holds says it).
        await flows.call_in(ami, gives_up_after_ms=8000)

        async def dialled() -> str | None:
            for line in platform.cli("core show channels concise").splitlines():
                channel = line.split("!")[0]
                found = re.search(r"SN_S1_DIAL=(\S+)", platform.cli(f"core show channel {channel}"))
                if found:
                    return found.group(1)
            return None

        assert await eventually(dialled, within=30) == "PJSIP/desk-alice"
    finally:
        async with platform.client("PRESENCE_PORT") as presence:
            await presence.put("/v1/users/me/location", json={"location": "mobile"})


def provision_desk_phone(platform: Platform) -> None:
    """As an operator does: the provisioning command's sections appended, res_pjsip reloaded."""
    sections = subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            "-m",
            "smartnumbers_gateway.asterisk.desk_phone",
            *("--endpoint", "desk-alice", "--user", "alice", "--organisation", "acme"),
            *("--number", "01632 960100", "--name", "Alice Archer"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pjsip = platform.var / "asterisk" / "etc" / "pjsip.conf"
    pjsip.write_text(pjsip.read_text() + "\n" + sections)
    platform.cli("module reload res_pjsip.so")
    assert "desk-alice" in platform.cli("pjsip show endpoint desk-alice")


def hang_up_held(platform: Platform) -> None:
    """This story's held calls only (other stories may share this Asterisk)."""
    for line in platform.cli("core show channels concise").splitlines():
        if "sn-hold" in line.split("!")[0]:
            platform.cli(f"channel request hangup {line.split('!')[0]}")
