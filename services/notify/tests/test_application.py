"""Notify's application on a real store (SQLite and PostgreSQL): intake and a delivery's life."""

from __future__ import annotations

import pytest
from smartnumbers_kit.errors import Invalid
from smartnumbers_notify.application import NotifyApplication
from smartnumbers_notify.domain.delivery import IN_DOUBT, Status


def test_a_command_seen_twice_makes_one_delivery(notify_app: NotifyApplication):
    [delivery] = notify_app.queue_sms("acme", "boss", "cmd-1", "07700 900123", "Fire drill", "group_sms")
    notify_app.save(delivery)
    assert notify_app.queue_sms("acme", "boss", "cmd-1", "07700 900123", "Fire drill", "group_sms") == []
    stored = notify_app.delivery(delivery.id)
    assert (stored.to, stored.status, stored.content["text"]) == (
        "+447700900123",
        Status.QUEUED,
        "Fire drill",
    )


def test_refusals_are_failed_deliveries_saying_why(notify_app: NotifyApplication):
    sent = [
        notify_app.queue_sms("acme", "boss", f"c{i}", "07700 900123", "hi", "sms", rate_limited=True)
        for i in range(3)
    ]
    statuses = [d.status for [d] in sent]
    assert statuses == [Status.QUEUED, Status.QUEUED, Status.FAILED]
    assert "boss already sent 2 SMS in the last minute" in sent[2][0].error
    [bad] = notify_app.queue_email("acme", "alice", "c9", "not-an-address", "Hi", "Body", "archive")
    assert bad.status == Status.FAILED and "is not an email address" in bad.error


def test_a_delivery_is_claimed_before_it_is_handed_over_and_its_outcome_recorded(
    notify_app: NotifyApplication,
):
    [d] = notify_app.queue_email("acme", "alice", "c1", "alice@example.com", "Hi", "Body", "archive")
    notify_app.save(d)
    notify_app.start_attempt(d.id)
    assert notify_app.delivery(d.id).status == Status.SENDING
    notify_app.record_sent(d.id, "250 OK")
    assert notify_app.delivery(d.id).status == Status.SENT
    [e] = notify_app.queue_email("acme", "alice", "c2", "alice@example.com", "Hi", "Body", "archive")
    notify_app.save(e)
    notify_app.start_attempt(e.id)
    notify_app.record_failure(e.id, IN_DOUBT, tried=False)
    failed = notify_app.delivery(e.id)
    assert (failed.status, failed.attempts, failed.error) == (Status.FAILED, 1, IN_DOUBT)


def test_the_pager_number_is_kept_in_e164_and_a_bad_one_is_refused(notify_app: NotifyApplication):
    assert notify_app.change_pager("acme", "alice", "07700 900222") == "+447700900222"
    assert notify_app.recipient("acme", "alice").pager_number == "+447700900222"
    with pytest.raises(Invalid, match="pager number"):
        notify_app.change_pager("acme", "alice", "12")
    assert notify_app.change_pager("acme", "alice", None) is None
