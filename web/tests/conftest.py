"""Browser stories: Playwright for Python driving Debian's chromium against real running services."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from smartnumbers_kit.testing import own_nats_server

from web.tests.stack import Platform, running_platform

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]

# Marks the page once htmx's live feed (SSE) is open, so a story can await it: `wait_for_live(page)`.
LIVE = "document.addEventListener('htmx:sseOpen', () => { window.__liveOpen = true; });"


def chromium_executable() -> str | None:
    """Debian's chromium (``make test`` installs it when it can): Playwright cannot fetch its own here."""
    found = os.environ.get("CHROMIUM_BIN") or shutil.which("chromium") or "/usr/bin/chromium"
    return found if os.path.exists(found) else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_executable()
    if executable is None:
        pytest.skip("no chromium: `apt-get install -y chromium` as root (make test does when it can)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements-dev.txt")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory, dev_keys: tuple[Path, Path]) -> Iterator[Platform]:
    """The services for one module's stories, on a nats-server of their own: durable consumers on
    the session's server would first work through every earlier test's events."""
    tmp = tmp_path_factory.mktemp("web")
    with (
        own_nats_server(tmp) as nats_server,
        running_platform(tmp, nats_server.url, dev_keys, org=f"org{tmp.name[-6:].replace('-', '')}") as p,
    ):
        yield p


@pytest.fixture
def context(browser: Any, platform: Platform) -> Iterator[Any]:
    """A fresh browser profile (its own cookies) per story, at the web's origin."""
    ctx = browser.new_context(base_url=platform.url)
    ctx.set_default_timeout(10_000)
    ctx.add_init_script(LIVE)
    try:
        yield ctx
    finally:
        ctx.close()
