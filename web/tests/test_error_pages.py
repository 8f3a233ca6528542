"""A page's address with a malformed id (``/address-book/contacts/not an id!``) gets the web's
own error page, in words, for every page route with a path parameter: never FastAPI's JSON 422.

Synchronous (httpx against the running web): the browser stories' Playwright keeps an event loop
running in this thread."""

from __future__ import annotations

import re

import httpx
from fastapi.routing import iter_route_contexts
from smartnumbers_web.app import create_app
from smartnumbers_web.settings import WebSettings

from web.tests.stack import Platform

MALFORMED = "not an id!"
# These answer the page's recorder script, not a browser's navigation: JSON whose ``detail`` the
# script shows. They must still refuse a malformed id with a 4xx, not fail.
FOR_SCRIPTS = {"/vmail/messages/{message_id}/forward-annotated", "/vmail/messages/{message_id}/reply"}


def page_routes_with_a_path_parameter() -> list[tuple[str, str]]:
    """``(method, path)`` of every page route with a ``{parameter}`` (not the /api passage)."""
    found = []
    for route in iter_route_contexts(create_app(WebSettings()).router.routes):
        if route.path and "{" in route.path and not route.path.startswith("/api/"):
            found += [(method, route.path) for method in sorted(route.methods or ())]
    return found


def signed_in(platform: Platform) -> httpx.Client:
    person = platform.ready_user("olga", "Olga Orr", "864219")
    web = httpx.Client(base_url=platform.url)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/signin").text)
    assert csrf, "the sign-in form has its CSRF token"
    r = web.post(
        "/signin", data={"number": person.number, "password": person.password, "csrf_token": csrf[1]}
    )
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return web


def test_a_malformed_id_in_any_page_address_gets_the_error_page_in_words(platform: Platform) -> None:
    routes = page_routes_with_a_path_parameter()
    assert ("GET", "/address-book/contacts/{contact_id}") in routes and len(routes) > 10
    web = signed_in(platform)
    try:
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', web.get("/contact").text)
        assert csrf
        for method, path in routes:
            url = re.sub(r"\{[a-z_]+\}", MALFORMED, path)
            r = web.request(method, url, headers={"X-CSRF-Token": csrf[1]})  # as htmx and the scripts
            where = f"{method} {path}: {r.status_code} {r.text[:300]}"
            assert 400 <= r.status_code < 500, where
            if path in FOR_SCRIPTS:
                assert r.json()["detail"], where
                continue
            assert r.headers["content-type"].startswith("text/html"), where
            assert '"detail"' not in r.text and '"loc"' not in r.text, where
            assert "{&#39;" not in r.text, where  # words, not a Python dict
        # The web's own checks name what is wrong, on its error page.
        for path in ("/address-book/contacts/{}", "/groups/{}/delete", "/vmail/faxes/f1/pages/{}.png"):
            r = web.get(path.format(MALFORMED))
            assert r.status_code == 404, r.text
            assert "There is no such page" in r.text and "is not a valid" in r.text, r.text
            assert "&#39;not an id!&#39;" in r.text and 'role="alert"' in r.text, r.text
    finally:
        web.close()
