"""A call's record (§8.2): outcomes, ring and talk time, who was involved."""

from datetime import UTC, datetime, timedelta

from smartnumbers_routing.domain.call_record import CallRecord

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def call(**kwargs) -> CallRecord:
    return CallRecord(
        organisation_id="acme",
        call_id="c",
        direction="inbound",
        caller_number="+447700900555",
        caller_user_id=None,
        dialled="+441632960100",
        intended_user_id="adam",
        intended_team_id=None,
        started_at=T0,
        **kwargs,
    )


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_caller_who_hangs_up_before_voicemail_is_a_lost_call():
    record = call()
    record.end(hung_up_by="caller", cause="Normal Clearing", at=at(12))
    assert (record.outcome, record.ring_seconds, record.missed) == ("lost", 12.0, True)


def test_a_message_deposited_after_the_hang_up_makes_it_a_voicemail_not_a_lost_call():
    record = call()
    record.end(hung_up_by="caller", cause="Normal Clearing", at=at(40))
    record.leave_voicemail(mailbox="adam", at=at(41))
    assert (record.outcome, record.actual_recipient) == ("voicemail", "voicemail:adam")


def test_an_answer_by_someone_else_on_a_direct_call_is_a_delegated_answer():
    record = call()
    assert record.answer(user_id="bob", number="+447700900200", at=at(5)) is True
    record.end(hung_up_by="callee", cause="Normal Clearing", at=at(65))
    assert (record.outcome, record.ring_seconds, record.talk_seconds) == ("answered", 5.0, 60.0)
    assert record.involves("bob") and record.involves("adam") and not record.involves("cleo")


def test_the_first_answer_counts_and_the_end_is_final():
    record = call()
    record.answer(user_id="adam", number=None, at=at(3))
    assert record.answer(user_id="bob", number=None, at=at(4)) is False
    record.end(hung_up_by="caller", cause="x", at=at(10))
    record.end(hung_up_by="callee", cause="y", at=at(20))
    assert (record.answered_by, record.hung_up_by, record.ended_at) == ("adam", "caller", at(10))
