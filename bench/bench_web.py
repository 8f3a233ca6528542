"""`make bench`, web part: the Web Services' figures, each beside baselines measured in the same run.

1. Bare NATS request/reply round trip (Python client at both ends), and a bare HTTP request to
   the web server (``GET /healthz``): the baselines.
2. A page's time to load: the Contact page's HTML fetched with a session cookie (httpx), and in
   Chromium from navigation to the load event (median, p95).
3. A presence change through presence's API -> its appearance in another user's open Address
   Book page (SSE through the web, htmx swap), timed in the page by a MutationObserver against
   the same clock (target p95 < 200 ms).

Everything runs on loopback: a nats-server, the directory, presence, mailbox and web started
here. Needs Debian's chromium (`make test` installs it as root); without it, part 2's browser
row and part 3 are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.tokens import generate_keypair

from bench.bench_presence import bare_request_reply, ms, pct
from web.tests.conftest import CHROMIUM_FLAGS, LIVE, chromium_executable
from web.tests.pages import sign_in
from web.tests.stack import Platform, running_platform
from web.tests.stack import sign_in as api_sign_in

# Arms an observer on the cell; ``window.__seen`` resolves to the time (same clock as Python's
# time.time(), in ms) the cell's text changed.
WATCH = """cell => {
  window.__seen = new Promise(done => {
    new MutationObserver((_, observer) => {
      observer.disconnect();
      done(performance.timeOrigin + performance.now());
    }).observe(cell, {childList: true, characterData: true, subtree: true});
  });
}"""


def bare_http(url: str, n: int = 500) -> list[float]:
    with httpx.Client(base_url=url) as http:
        for _ in range(50):
            http.get("/healthz")
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            http.get("/healthz")
            samples.append(time.perf_counter() - started)
    return samples


def html_page(url: str, cookie: str, n: int = 300) -> list[float]:
    with httpx.Client(base_url=url, cookies={"sn_session": cookie}) as http:
        for _ in range(20):
            assert http.get("/contact").status_code == 200
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            http.get("/contact")
            samples.append(time.perf_counter() - started)
    return samples


def browser_figures(platform: Platform) -> tuple[list[float], list[float], str] | None:
    executable = chromium_executable()
    if executable is None:
        return None
    from playwright.sync_api import sync_playwright

    alice = platform.ready_user("alice", "Alice Archer", "917253")
    bob = platform.ready_user("bob", "Bob Baker", "864219")
    token = api_sign_in(platform.directory.url, alice.number, alice.password)
    presence = httpx.Client(base_url=platform.presence.url, headers={"Authorization": f"Bearer {token}"})
    assert presence.patch("/v1/users/me/numbers", json={"mobile": "07700 900001"}).status_code == 200
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        page = browser.new_page(base_url=platform.url)
        page.add_init_script(LIVE)
        sign_in(page, bob)
        page.wait_for_url("**/contact")
        cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "sn_session")
        loads = []
        for i in range(60):
            started = time.perf_counter()
            page.goto("/contact", wait_until="load")
            if i >= 10:
                loads.append(time.perf_counter() - started)
        page.goto("/address-book?q=archer")
        cell = page.locator("#location-alice")
        page.wait_for_function("() => window.__liveOpen")
        changes = []
        for i in range(110):
            location = ("mobile", "none")[i % 2]
            page.evaluate(WATCH, cell.element_handle())
            sent = time.time() * 1000
            assert presence.put("/v1/users/me/location", json={"location": location}).status_code == 200
            arrived = page.evaluate("() => window.__seen")
            if i >= 10:
                changes.append((arrived - sent) / 1000)
        browser.close()
    return loads, changes, cookie


async def nats_baseline(url: str) -> list[float]:
    return await bare_request_reply(url)


def main() -> None:
    binary = find_binary()
    if binary is None:
        sys.exit("no nats-server binary: run `make install`")
    with tempfile.TemporaryDirectory(prefix="sn-bench-web-") as directory:
        tmp = Path(directory)
        server = NatsServer(binary, tmp / "nats")
        server.start()
        keys = generate_keypair(tmp / "keys")
        try:
            bare_nats = asyncio.run(nats_baseline(server.url))
            with running_platform(tmp, server.url, keys, org="benchweb") as platform:
                http = bare_http(platform.url)
                browser = browser_figures(platform)
                html = html_page(platform.url, browser[2]) if browser else None
                http += bare_http(platform.url)  # again, to see the machine's drift
        finally:
            server.stop()

    nats50, nats95 = statistics.median(bare_nats), pct(bare_nats, 95)
    http50, http95 = statistics.median(http), pct(http, 95)
    print("\nsmartnumbers bench — web (figures of this run, on this machine)\n")
    print(f"{'measure':<60}{'p50':>11}{'p95':>11}   ratio to bare NATS / to bare HTTP (p50)")
    print(f"{'bare NATS request/reply round trip (baseline)':<60}{ms(nats50):>11}{ms(nats95):>11}   1.0")
    print(
        f"{'bare HTTP request to the web server, GET /healthz':<60}{ms(http50):>11}{ms(http95):>11}"
        f"   {http50 / nats50:.1f} / 1.0"
    )
    if browser is None or html is None:
        print("page load and live presence: skipped — no chromium (`apt-get install -y chromium` as root)")
        return
    loads, changes, _ = browser
    for label, samples in (
        ("Contact page HTML with a session (httpx)", html),
        ("Contact page in Chromium, navigation -> load event", loads),
        ("presence change (API) -> shown in an open Address Book", changes),
    ):
        p50, p95 = statistics.median(samples), pct(samples, 95)
        print(f"{label:<60}{ms(p50):>11}{ms(p95):>11}   {p50 / nats50:.1f} / {p50 / http50:.1f}")
    p95 = pct(changes, 95)
    print(f"\nlive presence p95 {p95 * 1000:.0f} ms: {'within' if p95 < 0.2 else 'ABOVE'} the 200 ms target")


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    main()
