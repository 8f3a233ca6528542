"""Real SIP through a REAL Asterisk (only with ASTERISK_BIN, and SIPp: Debian's ``sip-tester``):
the scenarios in ``sipp/`` play the carrier and a desk phone against make run's PJSIP.

- the carrier's call to Kate's smartnumber, answered on her mobile, with audio both ways;
- the same call unanswered goes to her voicemail: what the caller says is deposited;
- Jack's desk phone, provisioned as ``deploy/asterisk/pjsip.conf`` says, registers,
  subscribes to its message-waiting lamp (lit: he has a new message) and calls Bob.

The operator's part of the set-up is done as deploy/asterisk/README.md says: the carrier's
address is matched by the trunk's ``identify`` (here SIPp's address on loopback), and each
desk phone is provisioned with the gateway's desk_phone command.
"""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path
from typing import Any

import pytest
from smartnumbers_kit.natsserver import free_port

from gateway.tests.real_asterisk.real_platform import (
    ASTERISK,
    BOB,
    CALLER,
    JACK,
    KATE,
    Platform,
    deposit,
)
from gateway.tests.real_asterisk.sip import SIPP, SippRun, rtp_endpoint, sipp
from gateway.tests.real_asterisk.watching import (
    Bus,
    calls_of,
    eventually,
)

pytestmark = [
    pytest.mark.skipif(not ASTERISK, reason="needs a real Asterisk: set ASTERISK_BIN=/path/to/sbin/asterisk"),
    pytest.mark.skipif(not SIPP, reason="needs SIPp: apt-get install sip-tester"),
]
ROOT = Path(__file__).resolve().parents[3]
DESK_PASSWORD = "desk-secret-2917"


def _reload_pjsip(platform: Platform, appended: str) -> None:
    with (platform.etc / "pjsip.conf").open("a") as f:
        f.write(appended)
    platform.cli("module reload res_pjsip.so")


@pytest.fixture(scope="module")
def carrier(platform: Platform) -> int:
    """The carrier's SIP port on loopback, matched by the trunk (an operator's ``identify``)."""
    port = free_port()
    _reload_pjsip(
        platform,
        f"\n; the real-Asterisk stories' carrier (SIPp)\n[carrier-sipp]\ntype = identify\n"
        f"endpoint = trunk\nmatch = 127.0.0.1:{port}\n",
    )
    shown = platform.cli("pjsip show identifies")
    assert f"127.0.0.1:{port}" in shown or "carrier-sipp" in shown, shown
    return port


def provisioned_desk_phone(name: str, user: str, number: str, person_name: str) -> str:
    """A desk phone's pjsip.conf sections, as an operator provisions one
    (``python -m smartnumbers_gateway.asterisk.desk_phone``, deploy/asterisk/pjsip.conf)."""
    printed = subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            "-m",
            "smartnumbers_gateway.asterisk.desk_phone",
            f"--endpoint={name}",
            f"--user={user}",
            "--organisation=acme",
            f"--number={number}",
            f"--name={person_name}",
            f"--password={DESK_PASSWORD}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return printed.stdout


@pytest.fixture(scope="module")
def desk_phone(platform: Platform) -> str:
    """Jack's desk phone, desk-jack, provisioned with the gateway's desk_phone command."""
    _reload_pjsip(
        platform,
        "\n; the real-Asterisk stories' desk phone\n"
        + provisioned_desk_phone("desk-jack", JACK.user_id, JACK.smartnumber, JACK.name)
        + "\n",
    )
    shown = platform.cli("pjsip show endpoint desk-jack")
    assert "desk-jack" in shown and "Unable to find" not in shown, shown
    return "desk-jack"


def passed(run: SippRun) -> bool:
    return run.returncode == 0


def why(run: SippRun) -> str:
    return f"SIPp exited {run.returncode}\n{run.output}\nunexpected messages:\n{run.errors}"


async def record_of(platform: Platform, call_id: str) -> dict[str, Any]:
    async def ended() -> dict[str, Any] | None:
        return next(
            (c for c in await calls_of(platform, "*") if c["call_id"] == call_id and c["ended_at"]), None
        )

    return dict(await eventually(ended, within=120))


async def test_a_carrier_call_answered_on_her_mobile_has_audio_both_ways(
    platform: Platform, carrier: int, bus: Bus, tmp_path: Path
) -> None:
    platform.demo_phone(KATE.mobile, "answer")
    rtp = await rtp_endpoint(free_port())
    try:
        port = rtp.transport.get_extra_info("sockname")[1] if rtp.transport else 0
        # The carrier calls Kate's smartnumber; her mobile answers; the caller talks for 8 s.
        run = await sipp(
            "carrier-call",
            f"127.0.0.1:{platform.ports['SIP_PORT']}",
            port=carrier,
            media_port=free_port(),
            service=KATE.smartnumber,
            workdir=tmp_path,
            duration_ms=8000,
            keys={"rtp_port": str(port)},
        )
        assert passed(run), why(run)
        started = await bus.next("gateway.call.started.v1", dialled=KATE.smartnumber)
        assert started["caller_number"] == CALLER, started
        answered = await bus.next("gateway.call.answered.v1", call_id=started["call_id"])
        assert answered["answered_by_user_id"] == KATE.user_id, answered
        # Audio both ways: the carrier heard her demo phone speak, and Asterisk took the tone.
        assert len(rtp.received) > 100, f"{len(rtp.received)} RTP packets from Asterisk"
        assert rtp.loudest() > 1000, "only silence came from Asterisk"
        assert rtp.sent > 100
        record = await record_of(platform, started["call_id"])
        assert (record["outcome"], record["actual_recipient"]) == ("answered", KATE.user_id), record
    finally:
        rtp.close()
        platform.demo_phone(KATE.mobile, None)


async def test_a_carrier_call_nobody_answers_leaves_what_the_caller_said_in_her_voicemail(
    platform: Platform, carrier: int, bus: Bus, tmp_path: Path
) -> None:
    rtp = await rtp_endpoint(free_port())
    try:
        port = rtp.transport.get_extra_info("sockname")[1] if rtp.transport else 0
        # Her mobile rings unanswered (20 s), then her voicemail answers: greeting, tone, and
        # the caller's tone (our RTP) is recorded until the caller hangs up 15 s later.
        run = await sipp(
            "carrier-call",
            f"127.0.0.1:{platform.ports['SIP_PORT']}",
            port=carrier,
            media_port=free_port(),
            service=KATE.smartnumber,
            workdir=tmp_path,
            duration_ms=15000,
            keys={"rtp_port": str(port)},
        )
        assert passed(run), why(run)
        started = [m for m in bus.all("gateway.call.started.v1", dialled=KATE.smartnumber)][-1]
        left = await bus.next("gateway.call.voicemail_left.v1", call_id=started["call_id"], within=60)
        assert left["mailbox"] == KATE.user_id
        async with platform.client("MAILBOX_PORT", KATE.user_id) as kate:
            [message] = [
                m for m in (await kate.get("/v1/mailboxes/users/me/messages")).json() if m["folder"] == "new"
            ]
            audio = await kate.get(f"/v1/mailboxes/users/me/messages/{message['id']}/audio")
        assert message["caller_number"] == CALLER
        with wave.open(io.BytesIO(audio.content)) as recorded:
            frames = recorded.readframes(recorded.getnframes())
            seconds = recorded.getnframes() / recorded.getframerate()
        samples = [int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)]
        assert seconds > 3, f"only {seconds:.1f} s recorded"
        assert max(abs(s) for s in samples) > 2000, "the caller's tone is not in the message"
        record = await record_of(platform, started["call_id"])
        assert record["outcome"] == "voicemail", record
    finally:
        rtp.close()


async def test_a_desk_phone_registers_sees_its_lamp_lit_and_calls_a_colleague(
    platform: Platform, desk_phone: str, bus: Bus, tmp_path: Path
) -> None:
    sip = f"127.0.0.1:{platform.ports['SIP_PORT']}"
    phone_port = free_port()
    credentials = {"user": desk_phone, "password": DESK_PASSWORD}
    # 1. Jack has a new message: his lamp is lit on Asterisk.
    await deposit(platform, JACK)
    await bus.next("gateway.mwi.set.v1", mwi_mailbox="jack@acme", new_messages=1)
    # 2. His desk phone registers (digest authentication).
    run = await sipp(
        "desk-register",
        sip,
        port=phone_port,
        media_port=free_port(),
        service=desk_phone,
        workdir=tmp_path / "register",
        **credentials,
    )
    assert passed(run), why(run)
    assert desk_phone in platform.cli(f"pjsip show contacts {desk_phone}") or desk_phone in platform.cli(
        "pjsip show contacts"
    )
    # 3. It subscribes to its message-waiting lamp: Asterisk's NOTIFY says a message waits.
    run = await sipp(
        "desk-lamp",
        sip,
        port=phone_port,
        media_port=free_port(),
        service=desk_phone,
        workdir=tmp_path / "lamp",
        **credentials,
    )
    assert passed(run), why(run)
    # 4. It calls Bob's smartnumber; Bob's mobile answers.
    platform.demo_phone(BOB.mobile, "answer")
    try:
        run = await sipp(
            "desk-call",
            sip,
            port=phone_port,
            media_port=free_port(),
            service=BOB.smartnumber,
            workdir=tmp_path / "call",
            duration_ms=3000,
            keys={"phone": desk_phone},
            **credentials,
        )
        assert passed(run), why(run)
        started = [m for m in bus.all("gateway.call.started.v1", dialled=BOB.smartnumber)][-1]
        assert started["caller_number"] == JACK.smartnumber, started
        answered = await bus.next("gateway.call.answered.v1", call_id=started["call_id"])
        assert answered["answered_by_user_id"] == BOB.user_id
    finally:
        platform.demo_phone(BOB.mobile, None)
