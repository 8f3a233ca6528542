"""A page's address with a malformed id (``/address-book/contacts/not an id!``) gets the web's
own error page, in words, for every page route with a path parameter: never FastAPI's JSON 422.
Every id in a page's address (contacts, groups, messages, faxes, calls) is checked by the web
before any service's URL is made of it: a 404 naming it.

Synchronous (httpx against the running web): the browser stories' Playwright keeps an event loop
running in this thread."""

from __future__ import annotations

import re

from fastapi.routing import iter_route_contexts
from smartnumbers_web.app import create_app
from smartnumbers_web.settings import WebSettings

from web.tests.stack import Platform, csrf_of, web_client

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


def test_a_malformed_id_in_any_page_address_gets_the_error_page_in_words(platform: Platform) -> None:
    routes = page_routes_with_a_path_parameter()
    assert ("GET", "/address-book/contacts/{contact_id}") in routes and len(routes) > 10
    web = web_client(platform, platform.ready_user("olga", "Olga Orr", "864219"))
    try:
        csrf = csrf_of(web)
        for method, path in routes:
            url = re.sub(r"\{[a-z_]+\}", MALFORMED, path)
            headers = {"X-CSRF-Token": csrf}  # as htmx and the scripts
            if path in FOR_SCRIPTS:
                headers["Accept"] = "application/json"  # as the recorder script asks
            r = web.request(method, url, headers=headers)
            where = f"{method} {path}: {r.status_code} {r.text[:300]}"
            assert 400 <= r.status_code < 500, where
            if "_id}" in path:  # refused by the web itself, naming the id
                assert r.status_code == 404, where
                assert "is not a valid" in r.text and "id" in r.text, where
            if path in FOR_SCRIPTS:
                assert "There is no such page" in r.json()["detail"], where
                continue
            assert r.headers["content-type"].startswith("text/html"), where
            assert '"detail"' not in r.text and '"loc"' not in r.text, where
            assert "{&#39;" not in r.text, where  # words, not a Python dict
        # The web's own checks name what is wrong, on its error page.
        checked = ("/address-book/contacts/{}", "/groups/{}/delete", "/vmail/faxes/f1/pages/{}.png")
        for path in (*checked, "/vmail/messages/{}/delete", "/vmail/faxes/{}/delete"):
            r = web.get(path.format(MALFORMED))
            assert r.status_code == 404, r.text
            assert "There is no such page" in r.text and "is not a valid" in r.text, r.text
            assert "&#39;not an id!&#39;" in r.text and 'role="alert"' in r.text, r.text
    finally:
        web.close()
