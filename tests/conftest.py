"""Fixtures for the stories that cross services: notify's real SMTP server and smsbox fake."""

from services.notify.tests.conftest import kannel, org, smsbox, smtp

__all__ = ["kannel", "org", "smsbox", "smtp"]
