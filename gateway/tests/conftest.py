"""The phone stories' stage (phone_platform.py), for every gateway test that asks for it, and a
mailbox process of their own for the modules that deposit through the mailbox's API."""

import pytest

from gateway.tests.phone_platform import phone_services, stage  # noqa: F401
from services.mailbox.tests.e2e import mailbox_process


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory, nats_server, dev_keys):
    """A mailbox service process on the session's bus, one per test module."""
    process = mailbox_process(tmp_path_factory.mktemp("gw-mailbox"), nats_server.url, dev_keys[1])
    process.start()
    yield process
    process.stop()
