"""Every page reached from the menus, in Chromium with a Dutch browser and with an English one.

A Dutch reader (the company admin ``beheerder``, who reads the company's language, and the operator, who
reads the browser's) sees none of the English words that only untranslated text would show, and dates and
amounts in Dutch formats; an English reader (``admin``, English by their own setting) sees no Dutch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page

from tests.conftest import ServedDemo, run_cli

pytestmark = pytest.mark.browser

# Words that appear on our pages only when a string was not translated (none is also a Dutch word; Exact's
# own terms such as Client ID, Callback URL, API token, refresh token and oAuth stay English in Dutch and are not
# here).
ENGLISH_ONLY = [
    "Save",
    "Name",
    "Number",
    "Journals",
    "Journal",
    "Connectors",
    "Connector",
    "Companies",
    "Company",
    "Users",
    "Search",
    "Quick search",
    "Log out",
    "Sign in",
    "Failed",
    "Unknown",
    "Queued",
    "Posted",
    "Description",
    "Amount",
    "Debit",
    "Resend",
    "Mapping",
    "Password",
    "Language",
    "Licence",
    "Licences",
    "Created",
    "Connected",
    "Not authorized",
    "Reauthorization",
    "the",
    "and",
    "with",
    "not",
    "yet",
    "Attempts",
    "Lines",
    "Reference",
    "Kind",
    "Division",
    "New",
    "Add",
    "Yes",
    "Next",
    "Previous",
    "Page",
    "Nothing",
    "found",
    "Active",
    "Role",
    "Full name",
    "Revoke",
    "Grant",
    "Audit",
    "Waiting",
    "Keys",
    "Revoked",
    "Last used",
    "File",
    "Upload",
    "Fallback",
    "Customer",
    "Ledger",
    "Account",
    "When",
    "What",
    "Outcome",
    "Duration",
    "Messages",
    "Worker",
    "Sending",
    "Import journals",
]
# Not "btw" or "Gebruiker": the demo's Exact administration names its accounts and its user in Dutch
# ("Te betalen btw hoog", "Demo Gebruiker"), and Exact's data is shown as Exact's.
DUTCH_ONLY = [
    "Opslaan",
    "Naam",
    "Nummer",
    "Boekingen",
    "Boeking",
    "Koppeling",
    "Koppelingen",
    "Bedrijf",
    "Bedrijven",
    "Gebruikers",
    "Zoeken",
    "Snel zoeken",
    "Uitloggen",
    "Inloggen",
    "Mislukt",
    "Onbekend",
    "wachtrij",
    "Geboekt",
    "Omschrijving",
    "Bedrag",
    "Debet",
    "Opnieuw",
    "Toewijzing",
    "Wachtwoord",
    "Taal",
    "Licentie",
    "Licenties",
    "Aangemaakt",
    "Verbonden",
    "het",
    "een",
    "van",
    "niet",
    "nog",
    "Regels",
    "Referentie",
    "Soort",
    "Administratie",
    "Nieuw",
    "Nieuwe",
    "Toevoegen",
    "Ja",
    "Nee",
    "Volgende",
    "Vorige",
    "Pagina",
    "Logboek",
    "dagboek",
    "Dagboek",
    "grootboekrekening",
    "Pogingen",
    "Wanneer",
    "Sleutel",
]
# A date shown as a date; an ISO date inside a reference ("Z/1/02/1/2026-11-30", a day closing's journal) is an
# identifier, the same in every language.
NL_DATE, ISO_DATE = re.compile(r"\b\d{2}-\d{2}-\d{4}\b"), re.compile(r"(?<![/\w-])\d{4}-\d{2}-\d{2}\b")
SKIP = ("/logout", "/api/", "/oauth", "authorize", "/language", "/static/")


def words_in(text: str, words: list[str]) -> list[str]:
    return [word for word in words if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


def shown_text(page: Page) -> str:
    """What a reader reads: the page without the language switch (each language named in itself), code
    (markers, keys) and Exact's own quoted words."""
    return page.evaluate(
        "() => { document.querySelectorAll('.language-switch, code, q, [data-exact]').forEach(e => e.remove());"
        " document.querySelectorAll('details').forEach(d => d.open = true); return document.body.innerText; }"
    )


def sign_in(page: Page, served: ServedDemo, alias: str | None, username: str, password: str) -> None:
    page.goto(served.url(alias, "/login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


def pages_from_the_menus(page: Page, served: ServedDemo, alias: str | None) -> Iterator[str]:
    """Each menu entry, and the pages its page links to (details, mapping, new), once each."""
    page.goto(served.url(alias, "/"))
    menu = [page.evaluate("a => a.getAttribute('href')", a) for a in page.locator("nav.menus a").element_handles()]
    assert len(menu) >= 2, menu
    seen: set[str] = set()
    for path in menu:
        queue = [path]
        depth_one = True
        while queue:
            here = queue.pop(0)
            if here in seen or any(skip in here for skip in SKIP):
                continue
            seen.add(here)
            page.goto(served.url(alias, here))
            yield here
            if depth_one:
                links = page.locator("main a[href^='/']").element_handles()
                queue += [page.evaluate("a => a.getAttribute('href')", a).split("#")[0] for a in links][:12]
                depth_one = False


def a_journal_of_thousands(served: ServedDemo) -> None:
    made = run_cli("apikey", "create", "--company", "demo", "--name", "taaltest", env=served.env)
    assert made.returncode == 0, made.stderr
    api = httpx.Client(
        base_url=f"http://127.0.0.1:{served.port}",
        headers={"Authorization": f"Bearer {made.stdout.strip()}", "Host": f"demo.localhost:{served.port}"},
    )
    body = {
        "reference": "TAAL-1",
        "kind": "cash",
        "connector": 1,
        "date": datetime.now(UTC).date().isoformat(),
        "description": "Kasdag",
        "lines": [
            {"ledger_code": "1000", "debit": "1234.56", "description": "Contant"},
            {
                "ledger_code": "8000",
                "credit": "1020.30",
                "vat_code": "2",
                "vat_amount": "214.26",
                "description": "Omzet",
            },
        ],
    }
    answer = api.post("/api/v1/journals", json=body)
    assert answer.status_code in (200, 201), answer.text
    assert answer.json()["date"] == body["date"] and answer.json()["lines"][0]["debit"] == "1234.56"  # ISO, points


@pytest.fixture
def reader(browser, request) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale=request.param, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sweep(page: Page, served: ServedDemo, alias: str | None, forbidden: list[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    wrong: dict[str, list[str]] = {}
    for path in pages_from_the_menus(page, served, alias):
        texts[path] = shown_text(page)
        if found := words_in(texts[path], forbidden):
            wrong[path] = found
    assert not wrong, "\n".join(f"{path}: {found}\n{texts[path]}" for path, found in wrong.items())
    return texts


@pytest.mark.parametrize("reader", ["nl-NL"], indirect=True)
def test_dutch_readers_see_dutch_everywhere_with_dutch_formats(served_demo, reader: Page) -> None:  # type: ignore[no-untyped-def]
    a_journal_of_thousands(served_demo)
    sign_in(reader, served_demo, "demo", "beheerder", "demo")
    assert reader.locator("html").get_attribute("lang") == "nl"
    texts = sweep(reader, served_demo, "demo", ENGLISH_ONLY)
    assert len(texts) >= 8, sorted(texts)
    assert "/dashboard/" in texts and "Boekingen per dag" in texts["/dashboard/"]
    everything = "\n".join(texts.values())
    assert NL_DATE.search(everything) and not ISO_DATE.search(everything), [
        everything[max(0, m.start() - 80) : m.end() + 20] for m in ISO_DATE.finditer(everything)
    ]
    assert "1.234,56" in everything and "1,234.56" not in everything
    reader.get_by_role("button", name="Uitloggen").click()
    sign_in(reader, served_demo, None, "operator", "operator")
    operator = sweep(reader, served_demo, None, ENGLISH_ONLY)
    assert any("/companies/" in path for path in operator)
    assert "/operations/dashboard/" in operator
    assert NL_DATE.search("\n".join(operator.values()))


@pytest.mark.parametrize("reader", ["en-US"], indirect=True)
def test_english_readers_see_no_dutch(served_demo, reader: Page) -> None:  # type: ignore[no-untyped-def]
    a_journal_of_thousands(served_demo)
    sign_in(reader, served_demo, "demo", "admin", "demo")
    assert reader.locator("html").get_attribute("lang") == "en"
    texts = sweep(reader, served_demo, "demo", DUTCH_ONLY)
    assert "/dashboard/" in texts and "Journals per day" in texts["/dashboard/"]
    everything = "\n".join(texts.values())
    assert ISO_DATE.search(everything) and not NL_DATE.search(everything)
    assert "1,234.56" in everything and "1.234,56" not in everything
    reader.get_by_role("button", name="Log out").click()
    sign_in(reader, served_demo, None, "operator", "operator")
    assert "/operations/dashboard/" in sweep(reader, served_demo, None, DUTCH_ONLY)


@pytest.mark.parametrize("reader", ["nl-NL"], indirect=True)
def test_the_switch_turns_the_login_page_and_the_users_setting(served_demo, reader: Page) -> None:  # type: ignore[no-untyped-def]
    reader.goto(served_demo.url("demo", "/login"))
    assert reader.get_by_role("heading", name="Inloggen").is_visible()
    reader.get_by_role("button", name="English").click()
    reader.get_by_role("heading", name="Sign in").wait_for()
    reader.get_by_role("button", name="Nederlands").click()
    reader.get_by_role("heading", name="Inloggen").wait_for()
