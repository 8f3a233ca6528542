"""The web front end bounds request bodies as every service does (issue 11 §1): a form over
256 KiB, or an upload over the upload limit, is refused with 413 from its declared length,
before the rest is read; nothing is passed on to the services."""

from __future__ import annotations

from fastapi.testclient import TestClient
from smartnumbers_kit.http import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_UPLOAD_BYTES
from smartnumbers_web.app import create_app
from smartnumbers_web.settings import WebSettings


def test_an_oversized_form_or_upload_is_refused_before_it_is_read() -> None:
    # Synchronous: the browser stories' Playwright keeps an event loop running in this thread.
    with TestClient(create_app(WebSettings()), base_url="http://web") as browser:
        # 1. A sign-in form larger than any form: 413, with the limit named.
        r = browser.post("/signin", content=b"n" * (DEFAULT_MAX_BODY_BYTES + 1))
        assert r.status_code == 413 and str(DEFAULT_MAX_BODY_BYTES) in r.json()["detail"]
        # 2. The /api passage takes uploads (recordings), up to the upload limit, not beyond.
        r = browser.post("/api/mailbox/v1/voicemails", content=b"a" * (DEFAULT_MAX_UPLOAD_BYTES + 1))
        assert r.status_code == 413 and str(DEFAULT_MAX_UPLOAD_BYTES) in r.json()["detail"]
        # 3. A form of ordinary size goes on to the page (here: the sign-in page answers it).
        r = browser.post("/signin", data={"number": "01632 960001", "password": "1"})
        assert r.status_code != 413
