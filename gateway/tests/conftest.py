"""The phone stories' stage (phone_platform.py), for every gateway test that asks for it."""

from gateway.tests.phone_platform import phone_services, stage  # noqa: F401
