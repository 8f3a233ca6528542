"""Every form field says how long it may be, as long as the service behind it allows; the web
refuses a longer one itself, with a sentence naming the field, before it changes anything.

1. On each page, every text field has a ``maxlength``; where a service takes the value, it is
   the bound in that service's own OpenAPI document (directory, presence).
2. Sent anyway (no browser stops it): a temporary number one character too long, with a new
   mobile number, is refused with "Temporary is too long: at most 32 characters.", as a page,
   and the mobile number is not saved either (nothing half-written).
3. An administrator's new user with a first name too long is refused in words; no user is made.
"""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import expect

from web.tests.pages import sign_in
from web.tests.stack import Platform
from web.tests.stack import sign_in as api_sign_in

TEXT_FIELDS = (
    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=number]):not([type=file]),"
    " main textarea, header input[type=search]"
)
PAGES = ("/contact", "/services", "/vmail", "/call-manager", "/administration")  # routing is not run here


def bound(document: dict[str, Any], method: str, path: str, field: str) -> int:
    """The ``maxLength`` of a field of a request body in an OpenAPI document."""
    schemas = document["components"]["schemas"]

    def resolved(schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    prop = resolved(resolved(body)["properties"][field])
    for choice in [prop, *prop.get("anyOf", [])]:
        if "maxLength" in resolved(choice):
            return int(resolved(choice)["maxLength"])
    raise AssertionError(f"{method} {path} {field}: no maxLength")


def test_every_field_is_bounded_as_the_services_are(platform: Platform, context: Any) -> None:
    page = context.new_page()
    sign_in(page, platform.admin)
    directory = httpx.get(platform.directory.url + "/openapi.json").json()
    presence = httpx.get(platform.presence.url + "/openapi.json").json()

    # 1
    for path in PAGES:
        page.goto(path)
        page.locator("#tb-search").wait_for()  # the toolbar is loaded after the page
        fields = page.locator(TEXT_FIELDS)
        assert fields.count() > 0, path
        unbounded = [
            f.get_attribute("id") or f.get_attribute("name")
            for f in fields.all()
            if not (f.get_attribute("maxlength") or "").isdigit()
        ]
        assert unbounded == [], f"{path}: no maxlength on {unbounded}"

    expected = {
        "/contact": {
            "desk": bound(presence, "patch", "/v1/users/{user_id}/numbers", "desk"),
            "mobile": bound(presence, "patch", "/v1/users/{user_id}/numbers", "mobile"),
            "home": bound(presence, "patch", "/v1/users/{user_id}/numbers", "home"),
            "temporary": bound(presence, "put", "/v1/users/{user_id}/location", "number"),
        },
        "/administration": {
            "org-name": bound(directory, "put", "/v1/organisation", "name"),
            "new-first": bound(directory, "post", "/v1/users", "first_name"),
            "new-last": bound(directory, "post", "/v1/users", "last_name"),
            "new-smartnumber": bound(directory, "post", "/v1/users", "smartnumber"),
            "new-mailbox": bound(directory, "post", "/v1/users", "mailbox_number"),
            "new-email": bound(directory, "post", "/v1/users", "email"),
            "new-password": bound(directory, "post", "/v1/users", "initial_password"),
            "team-name": bound(directory, "post", "/v1/teams", "name"),
            "team-number": bound(directory, "post", "/v1/teams", "smartnumber"),
        },
    }
    for path, fields_bounds in expected.items():
        page.goto(path)
        for field_id, limit in fields_bounds.items():
            expect(page.locator(f"#{field_id}")).to_have_attribute("maxlength", str(limit))
    signin = context.browser.new_context(base_url=platform.url)
    try:
        anonymous = signin.new_page()
        anonymous.goto("/signin")
        expect(anonymous.locator("#number")).to_have_attribute(
            "maxlength", str(bound(directory, "post", "/v1/sessions", "number"))
        )
        expect(anonymous.locator("#password")).to_have_attribute(
            "maxlength", str(bound(directory, "post", "/v1/sessions", "password"))
        )
    finally:
        signin.close()


def csrf_of(page: Any) -> str:
    return str(page.locator("meta[name=csrf-token]").get_attribute("content"))


def test_a_field_too_long_is_refused_in_words_and_nothing_is_saved(platform: Platform, context: Any) -> None:
    vera = platform.ready_user("vera", "Vera Vale", "864219")
    page = context.new_page()
    sign_in(page, vera)
    page.goto("/contact")

    # 2
    r = page.request.post(
        "/contact",
        form={
            "csrf_token": csrf_of(page),
            "location": "temporary",
            "mobile": "07700 900481",
            "temporary": "0" * 33,
        },
        headers={"Accept": "text/html"},
    )
    assert r.status == 422
    assert "Temporary is too long: at most 32 characters." in r.text()
    assert "Traceback" not in r.text() and "<h1>That did not work</h1>" in r.text()
    token = api_sign_in(platform.directory.url, vera.number, vera.password)
    numbers = httpx.get(
        platform.presence.url + "/v1/users/me/presence", headers={"Authorization": f"Bearer {token}"}
    ).json()["numbers"]
    assert numbers.get("mobile") is None

    # 3
    admin = context.browser.new_context(base_url=platform.url)
    try:
        page = admin.new_page()
        sign_in(page, platform.admin)
        page.goto("/administration")
        r = page.request.post(
            "/administration/users",
            form={
                "csrf_token": csrf_of(page),
                "user_id": "walt",
                "first_name": "W" * 101,
                "last_name": "Wong",
                "initial_password": "739182",
            },
            headers={"Accept": "text/html"},
        )
        assert r.status == 422 and "First name is too long: at most 100 characters." in r.text()
    finally:
        admin.close()
    found = httpx.get(
        platform.directory.url + "/v1/users/walt", headers={"Authorization": f"Bearer {platform.admin_token}"}
    )
    assert found.status_code == 404
