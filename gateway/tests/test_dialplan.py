"""The shipped dialplan and the gateway agree: every step kind has its context, every
variable the dialplan reads is one the gateway sets."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from smartnumbers_contracts import gateway as commands
from smartnumbers_contracts import routing as wire
from smartnumbers_gateway.asterisk.plan_variables import plan_variables
from smartnumbers_gateway.commands.fax_delivery import channel_variables

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "asterisk"
DIALPLAN = SHIPPED / "extensions.conf"


def contexts() -> dict[str, str]:
    found, current = {}, None
    for line in DIALPLAN.read_text().splitlines():
        if m := re.match(r"^\[([^\]]+)\]", line):
            current = m.group(1)
            found[current] = ""
        elif current and not line.lstrip().startswith(";"):
            found[current] += line + "\n"
    return found


def test_every_step_kind_has_a_context_that_returns():
    ctx = contexts()
    for kind in wire.StepKind:
        body = ctx.get(f"sn-step-{kind.value}")
        assert body is not None, f"no [sn-step-{kind.value}] for step kind {kind.value}"
        assert "Return()" in body and "SN_DONE" in body


def test_the_variables_the_dialplan_reads_are_the_ones_the_gateway_sets():
    read = set(re.findall(r"SN_S\$\{SN_I\}_([A-Z]+)", DIALPLAN.read_text()))
    plan = wire.RoutingPlan(
        dialled="+441632960100",
        call_for_kind="user",
        call_for="adam",
        reasons=[],
        steps=[
            wire.Step(
                kind="ring",
                targets=["+447700900100"],
                ring_seconds=20,
                introductions=[wire.Introduction(text="x")],
            ),
            wire.Step(kind="queue", targets=["+447700900100"], ring_seconds=20, max_wait_seconds=60),
            wire.Step(kind="voicemail", mailbox="adam", greeting="permanent"),
        ],
    )
    written = {
        name.split("_", 2)[2]
        for name in plan_variables(plan, "PJSIP/{e164}@trunk")
        if name.startswith("SN_S")
    }
    assert read <= written, f"the dialplan reads {sorted(read - written)} that the gateway never sets"
    for name in ("SN_PLAN_STEPS", "SN_CALL_ID", "SN_DIALLED", "SN_AGI"):
        assert name in DIALPLAN.read_text()
    assert "SN_DIAL_${FILTER(0-9,${EXTEN})}" in contexts()["sn-target"]


def test_a_screened_step_dials_each_target_through_sn_target_with_its_real_dial_string():
    plan = wire.RoutingPlan(
        dialled="+441632960100",
        call_for_kind="user",
        call_for="adam",
        reasons=[],
        steps=[
            wire.Step(
                kind="ring",
                targets=["+447700900100"],
                ring_seconds=20,
                introductions=[wire.Introduction(text="x")],
            )
        ],
    )
    variables = plan_variables(plan, "PJSIP/{e164}@trunk")
    assert variables["SN_S1_DIAL"] == "Local/+447700900100@sn-target"
    assert variables["__SN_DIAL_447700900100"] == "PJSIP/+447700900100@trunk"
    for name in ("__SN_CALL_ID", "__SN_I"):  # inherited by the Local channels
        assert f"Set({name}=" in DIALPLAN.read_text()


def test_dial_strings_come_from_the_template():
    plan = wire.RoutingPlan(
        dialled="+441632960100",
        call_for_kind="team",
        call_for="sales",
        reasons=[],
        steps=[wire.Step(kind="ring", targets=["+447700900100", "+447700900200"], ring_seconds=15)],
    )
    variables = plan_variables(plan, "PJSIP/{digits}@trunk")
    assert variables["SN_S1_DIAL"] == "PJSIP/447700900100@trunk&PJSIP/447700900200@trunk"
    assert variables["SN_CALL_FOR"] == "team:sales"


def test_the_gateways_service_tokens_carry_the_kid_the_directorys_jwks_lists(tmp_path):
    import jwt
    from smartnumbers_directory.signing import TokenIssuer
    from smartnumbers_gateway.clients.service_tokens import ServiceTokens
    from smartnumbers_kit.tokens import generate_keypair

    private, _ = generate_keypair(tmp_path)
    token = ServiceTokens(private, "smartnumbers-directory").for_organisation("acme")
    directory = TokenIssuer(private.read_bytes(), audience="smartnumbers", access_seconds=900)
    assert jwt.get_unverified_header(token)["kid"] == directory.jwks()["keys"][0]["kid"]
    assert jwt.decode(token, options={"verify_signature": False})["role"] == "service"


def test_a_mailbox_number_leaves_the_plan_for_the_mailbox_access_conversation():
    plan = wire.RoutingPlan(
        dialled="+441632960900",
        organisation_id="acme",
        call_for_kind="user",
        call_for="adam",
        reasons=[],
        mailbox_access=True,
        steps=[wire.Step(kind="voicemail", mailbox="adam", greeting="permanent")],
    )
    assert plan_variables(plan, "PJSIP/{e164}@trunk")["SN_MAILBOX_ACCESS"] == "1"
    incoming = contexts()["sn-incoming"]
    diverts = incoming.index('GotoIf($["${SN_MAILBOX_ACCESS}" = "1"]?sn-mailbox-access,${EXTEN},1)')
    assert incoming.index("AGI(${SN_AGI}/incoming") < diverts < incoming.index("Gosub(sn-step-")
    assert "AGI(${SN_AGI}/mailbox,${EXTEN},${CHANNEL(linkedid)})" in contexts()["sn-mailbox-access"]


def _sections(text: str) -> list[tuple[str, dict[str, str]]]:
    sections: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        line = line.split(";", 1)[0].strip()
        if line.startswith("["):
            sections.append((line, {}))
        elif "=" in line and sections:
            key, value = (part.strip() for part in line.split("=", 1))
            sections[-1][1][key] = value
    return sections


def test_the_trunk_is_identified_by_addresses_not_a_name_and_is_not_qualified_by_default():
    import ipaddress

    pjsip = _sections((SHIPPED / "pjsip.conf").read_text())
    (identify,) = [v for _, v in pjsip if v.get("type") == "identify"]
    for match in identify["match"].split(","):
        ipaddress.ip_network(match.strip())  # a host name raises: Asterisk would drop the identify
    (aor,) = [v for name, v in pjsip if name == "[trunk]" and v.get("type") == "aor"]
    assert aor["qualify_frequency"] == "0"


def test_endpoints_set_pai_and_rtp_timeout_deliberately_and_phones_get_their_lamp():
    text = (SHIPPED / "pjsip.conf").read_text()
    for name, values in _sections(text):
        if values.get("type") == "endpoint":
            assert values.get("send_pai") == "no" and values.get("rtp_timeout") == "60", name
    assert "; mailboxes = adam@acme" in text


def test_the_extended_absence_transfer_to_the_delegate_stays_inside_asterisk():
    plan = wire.RoutingPlan(
        dialled="+441632960001",
        call_for_kind="user",
        call_for="adam",
        reasons=[],
        steps=[wire.Step(kind="offer_transfer", targets=["+441632960002"], mailbox="adam")],
    )
    variables = plan_variables(plan, "PJSIP/{e164}@trunk")
    assert variables["SN_S1_DIAL"] == "Local/+441632960002@sn-incoming", (
        "routed again, not out to the carrier"
    )
    assert "_[+0-9].,1," in contexts()["sn-incoming"]


def test_please_hold_speaks_to_the_caller_when_music_on_hold_plays_nothing():
    """MusicOnHold ends at once without a class (or is no application without its module):
    the held caller hears, again and again, that they are still on hold; never a hang-up."""
    hold = contexts()["sn-hold"]
    lines = [line.strip() for line in hold.splitlines() if line.strip()]
    music = lines.index("same => n,TryExec(MusicOnHold(default,600))")
    assert "MusicOnHold(" not in hold.replace("TryExec(MusicOnHold(", ""), "a bare failing app would hang up"
    assert lines[music - 1] == "same => n,Set(SN_HOLD_FROM=${EPOCH})"
    assert lines[music + 1] == "same => n,GotoIf($[${EPOCH} - ${SN_HOLD_FROM} >= 590]?end)", (
        "only music that really played its 10 minutes ends the hold"
    )
    spoken = lines.index("same => n(spoken),Wait(20)")
    assert lines[spoken + 1] == "same => n,Playback(sn/still-on-hold)"
    assert "?spoken)" in lines[spoken + 3]


def test_the_self_check_context_runs_the_gateways_selfcheck():
    assert "exten => check,1,AGI(${SN_AGI}/selfcheck)" in contexts()["sn-selfcheck"]


def test_a_desk_phone_of_this_asterisk_is_dialled_directly_and_others_through_the_template():
    plan = wire.RoutingPlan(
        dialled="+441632960001",
        call_for_kind="user",
        call_for="adam",
        reasons=[],
        steps=[
            wire.Step(kind="ring", targets=["+441632960100", "+447700900100"], ring_seconds=20),
            wire.Step(
                kind="ring",
                targets=["+441632960100"],
                ring_seconds=20,
                introductions=[wire.Introduction(text="x")],
            ),
        ],
    )
    variables = plan_variables(plan, "PJSIP/{e164}@trunk", {"+441632960100": "desk-1001"})
    assert variables["SN_S1_DIAL"] == "PJSIP/desk-1001&PJSIP/+447700900100@trunk"
    assert variables["__SN_DIAL_441632960100"] == "PJSIP/desk-1001"


def test_a_desk_phone_call_asks_the_gateway_once_and_stays_inside_for_the_platforms_numbers():
    phones = contexts()["from-phones"]
    assert "AGI(${SN_AGI}/dial-out,${EXTEN},${SN_CALL_ID})" in phones
    assert '"${SN_INSIDE}" = "1"]?sn-incoming,${SN_E164},planned)' in phones
    assert "Dial(${SN_DIAL}" in phones and "@trunk" not in phones
    invalid = phones.index("n(invalid),")
    assert phones.index("Playback(sn/number-not-recognised)", invalid) < phones.index(
        "Hangup(28)", invalid
    ), "a number that is not one is said, not a silent hang-up"
    incoming = contexts()["sn-incoming"]
    assert incoming.index("AGI(${SN_AGI}/incoming") < incoming.index("n(planned),") < incoming.index("Gosub(")


def test_a_fax_machine_calling_a_mailbox_is_detected_before_the_answer_and_received_there():
    """§1, §5.5: FAXOPT(faxdetect) must be on before Answer(); on CNG/T.38 res_fax jumps to the
    context's ``fax`` extension, which runs the gateway's ``fax`` conversation."""
    for name in ("sn-mailbox-access", "sn-step-voicemail", "sn-cm"):
        lines = contexts()[name].splitlines()
        detect = next(i for i, line in enumerate(lines) if "Set(FAXOPT(faxdetect)=yes" in line)
        answer = next(i for i, line in enumerate(lines) if "Answer()" in line)
        assert detect < answer, f"[{name}] answers before fax detection is on"
        assert any(re.match(r"exten => fax,1,AGI\(\$\{SN_AGI\}/fax,", line) for line in lines), name


def test_a_fax_sent_on_runs_fax_send_with_the_variables_the_gateway_originates_with():
    body = contexts()["sn-fax-out"]
    assert "exten => send,1,AGI(${SN_AGI}/fax-send," in body
    command = commands.DeliverFax(
        event_id=uuid.uuid4(),
        organisation_id="acme",
        occurred_at=datetime.now(UTC),
        user_id="adam",
        fax_id="f1",
        to_number="+441632960999",
        sha256="0" * 64,
        pages=1,
        fetch_path="/v1/blobs/f1",
    )
    read = set(re.findall(r"\$\{(SN_[A-Z_]+)\}", body)) - {"SN_AGI"}
    assert read == set(channel_variables(command)), "the dialplan reads what the Originate sets"


def test_every_fastagi_script_the_dialplan_runs_is_a_route_of_the_gateway():
    source = (Path(__file__).resolve().parents[1] / "smartnumbers_gateway" / "bootstrap.py").read_text()
    routes = set(re.findall(r'add_route\(\s*"([a-z-]+)"', source))
    scripts = set(re.findall(r"AGI\(\$\{SN_AGI\}/([a-z-]+)", DIALPLAN.read_text()))
    assert scripts <= routes, f"no gateway route for {sorted(scripts - routes)}"
