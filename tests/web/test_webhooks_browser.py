"""Extra → Webhooks in Chromium, in Dutch (beheerder) and in English (admin): add an endpoint, copy the secret
shown once, Send test event, see it delivered in the log, Replay it; the receiver verifies every signature."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ServedDemo
from tests.webhooks.conftest import Receiver, receiver  # noqa: F401 - the receiver fixture

pytestmark = pytest.mark.browser

WORDS = {
    "nl": {
        "user": "beheerder",
        "menu": "Extra",
        "item": "Webhooks",
        "add": "Toevoegen",
        "description": "Omschrijving",
        "secret": "Ondertekeningsgeheim",
        "open": "Open het endpoint",
        "test": "Testgebeurtenis versturen",
        "delivered": "Afgeleverd",
        "replay": "Opnieuw versturen",
    },
    "en": {
        "user": "admin",
        "menu": "Extra",
        "item": "Webhooks",
        "add": "Add",
        "description": "Description",
        "secret": "Signing secret",
        "open": "Open the endpoint",
        "test": "Send test event",
        "delivered": "Delivered",
        "replay": "Replay",
    },
}


@pytest.fixture(params=["nl", "en"])
def reader(request: pytest.FixtureRequest, browser: Browser, csp_violations: list[str]) -> Iterator[tuple[Page, str]]:
    context = browser.new_context(locale=request.param, viewport={"width": 1280, "height": 800})
    context.on("console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text))
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page, request.param
    context.close()
    assert csp_violations == []


def _until_delivered(page: Page, word: str, count: int) -> None:
    """The served worker delivers within its rounds (0.5 s apart): look again until the log says so."""
    for _ in range(100):
        if page.get_by_test_id("delivery-status").filter(has_text=word).count() >= count:
            return
        page.wait_for_timeout(300)  # a real worker process, not test time
        page.reload()
    raise AssertionError(f"not {word} after 30 s")


def test_an_admin_sets_up_a_webhook_and_replays_a_delivery(
    served_demo: ServedDemo,
    reader: tuple[Page, str],
    receiver: Receiver,  # noqa: F811
) -> None:
    page, language = reader
    words = WORDS[language]
    page.goto(served_demo.url("demo", "/login"))
    page.locator("input[name=username]").fill(words["user"])
    page.locator("input[name=password]").fill("demo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))
    page.locator("nav.menus").get_by_text(words["menu"], exact=True).click()
    page.locator("nav.menus").get_by_role("link", name=words["item"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/webhooks/$"))

    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label(words["description"]).fill(f"ERP {language}")
    page.get_by_role("button", name=words["add"], exact=True).click()
    secret = page.get_by_role("textbox", name=words["secret"], exact=True).input_value()
    assert secret.startswith("whsec_")
    receiver.secret = secret
    page.get_by_role("link", name=words["open"]).click()
    assert secret not in page.content()  # shown once

    page.get_by_role("button", name=words["test"]).click()
    _until_delivered(page, words["delivered"], 1)
    assert [event["type"] for event in receiver.events()] == ["webhook.test"]
    expect(page.get_by_test_id("attempt").first).to_contain_text("204")

    page.get_by_role("button", name=re.compile(words["replay"], re.IGNORECASE)).first.click()
    _until_delivered(page, words["delivered"], 1)
    for _ in range(100):
        if len(receiver.received) == 2:
            break
        page.wait_for_timeout(300)
    assert receiver.ids()[0] == receiver.ids()[1] and len(receiver.events()) == 2
