"""Every page under a pseudo-locale (tests/pseudo_locale.py): what is left in English outside
the markers was never marked for translation.

Each page of the URLconf is opened by a visitor signed out (and through a share link), by a
person in their own diary, and by a carer and a clinician in their own pages and in the person's
diary; the world is tests/test_authorization.py's. The findings are compared with the list in
tests/pseudo_locale_findings.json, which may only shrink: a new unmarked string fails here, and
so does a listed one that is now marked (take it off the list; `PSEUDO_LOCALE_FINDINGS=prune`
rewrites the file without the fixed ones and adds nothing). docs/translating.md explains.
"""

import json
import os
import re
import zoneinfo
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import trans_real

from sci_tracker.core import dates
from tests.pseudo_locale import (
    CLOSE,
    OPEN,
    PseudoTranslation,
    english_words,
    outside_markers,
    visible_texts,
)
from tests.test_authorization import PAGES, PATTERNS, Role, address, client_for, send

# The walker's fixture `world` (its accounts, diaries, links), by another name here.
from tests.test_authorization import world as authorization_world  # noqa: F401, I001

FINDINGS = Path(__file__).with_name("pseudo_locale_findings.json")
NOW = datetime(2026, 6, 15, 10, 30, tzinfo=UTC)

# Words that stay as they are in every language, each with its reason.
ALLOWED = frozenset(
    {
        "SCI",  # the product's name, SCI Tracker
        "Tracker",  # the product's name
        "mmHg",  # the unit of blood pressure, written so in every language
        "API",  # an acronym read as it is in every language (the API's own page)
    }
)
# Time zones by their names in the IANA database (the profile's menu), the same in every language.
ZONES = frozenset(zone.replace("_", " ") for zone in zoneinfo.available_timezones())
# The world's own data (tests/test_authorization.py): what people typed, not the app's words.
DATA = re.compile(
    r"PRIVATE-[A-Z_]+(?: (?:trigger|flagged|AD|SCI-SET|skin|pills|dose|feet))?"
    r"|\b(?:Alice|Bob|Cara|Dr_Lee|Dr_Okafor)\b"
    r"|\b(?:live|expired|revoked) link\b"
    r"|\bPhone\b"
)

ANONYMOUS = Role("anonymous")
LINK = Role("live_link", link="live")
OWNER = Role("owner", "alice")
CARER = Role("carer", "cara")
CLINICIAN = Role("clinician_with_access", "dr_okafor")
# visitor -> (role, which scopes of address it opens): "own" its own pages, "person" alice's
# diary by her id, "link" a share link's pages.
VISITORS = {
    "signed out": [(ANONYMOUS, {"own"}), (LINK, {"link"})],
    "person": [(OWNER, {"own"})],
    "carer": [(CARER, {"own", "person"})],
    "clinician": [(CLINICIAN, {"own", "person"})],
}


@pytest.fixture
def pseudo_locale(monkeypatch, settings):
    """English, with every translated string between markers."""
    monkeypatch.setitem(trans_real._translations, "en-gb", PseudoTranslation("en-gb"))
    settings.LANGUAGE_CODE = "en-gb"
    # Month names and date patterns are looked up once per language and kept: forget the
    # real English ones before, and the marked ones after.
    dates._patterns.cache_clear()
    yield
    translation.deactivate()
    dates._patterns.cache_clear()


def page_findings(html: str) -> list[str]:
    """The runs of unmarked English on a page, each once, in page order."""
    found, flowing = [], 0
    for text, in_flow in visible_texts(html):
        runs, depth = outside_markers(DATA.sub(" ", text), flowing if in_flow else 0)
        flowing = depth if in_flow else flowing
        for run in runs:
            if run not in ZONES and english_words(run, ALLOWED) and run not in found:
                found.append(run[:200])
    return found


def pages_of(visitor: str) -> list[tuple[str, Role, str]]:
    """(page name in the findings, role, address) for each page the visitor opens with GET."""
    pages = []
    for role, scopes in VISITORS[visitor]:
        for pattern in PATTERNS:
            page = PAGES.get(pattern.name)
            if page is None or page.get != 200 or pattern.scope not in scopes:
                continue
            if page.who.startswith("token"):
                continue  # the API answers JSON to a token, no page
            pages.append((f"{visitor}: /{pattern.route}", role, pattern))
    return pages


def findings_for(visitor: str, world) -> dict[str, list[str]]:
    found = {}
    clients = {}
    for name, role, pattern in pages_of(visitor):
        if role.name not in clients:
            clients[role.name] = client_for(role, world, HTTP_ACCEPT_LANGUAGE="en-GB")
        response = send(clients[role.name], "GET", address(pattern, role, world))
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        runs = page_findings(response.content.decode())
        if runs:
            found[name] = runs
    return found


def listed() -> dict[str, list[str]]:
    return json.loads(FINDINGS.read_text(encoding="utf-8"))


def missing_from(these: dict, others: dict) -> dict[str, list[str]]:
    """page -> the runs of `these` that `others` does not have for that page."""
    missing = {
        page: [run for run in runs if run not in others.get(page, [])]
        for page, runs in these.items()
    }
    return {page: runs for page, runs in missing.items() if runs}


def compare(visitor: str, found: dict[str, list[str]]) -> None:
    known = {page: runs for page, runs in listed().items() if page.startswith(f"{visitor}: ")}
    new = missing_from(found, known)
    fixed = missing_from(known, found)
    if fixed and os.environ.get("PSEUDO_LOCALE_FINDINGS") == "prune":
        everything = listed()
        for page, runs in fixed.items():
            everything[page] = [run for run in everything[page] if run not in runs]
        everything = {page: runs for page, runs in everything.items() if runs}
        FINDINGS.write_text(
            json.dumps(everything, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        fixed = {}
    message = []
    if new:
        message.append(f"Unmarked English on {len(new)} pages (mark it for translation):")
        message += [f"  {page}: {run!r}" for page, runs in sorted(new.items()) for run in runs]
    if fixed:
        message.append(
            "Marked now, still listed in tests/pseudo_locale_findings.json (take them off, or "
            "run with PSEUDO_LOCALE_FINDINGS=prune):"
        )
        message += [f"  {page}: {run!r}" for page, runs in sorted(fixed.items()) for run in runs]
    assert not message, "\n".join(message)


@pytest.mark.parametrize("visitor", list(VISITORS))
@time_machine.travel(NOW, tick=False)
def test_it_finds_no_new_unmarked_english_on_any_page(visitor, db, pseudo_locale, request):
    world = request.getfixturevalue("authorization_world")
    compare(visitor, findings_for(visitor, world))


def test_it_covers_every_page_for_someone():
    """Every page that answers GET with HTML is opened by at least one visitor above."""
    opened = {pattern.route for visitor in VISITORS for _n, _r, pattern in pages_of(visitor)}
    pages = {
        pattern.route
        for pattern in PATTERNS
        if pattern.name in PAGES
        and PAGES[pattern.name].get == 200
        and not PAGES[pattern.name].who.startswith("token")
    }
    assert pages - opened == set()


def test_it_finds_no_new_unmarked_english_on_the_error_pages(pseudo_locale):
    """The pages drawn without a view's context (Django's 500, a failed database, a save
    lost), under the pseudo-locale too."""
    found = {}
    with translation.override("en-gb"):
        for template in ("500.html", "database_unavailable.html", "not_saved.html"):
            runs = page_findings(render_to_string(template))
            if runs:
                found[f"error pages: {template}"] = runs
    compare("error pages", found)


def test_it_marks_what_was_translated_and_leaves_the_rest(pseudo_locale):
    translation.activate("en-gb")
    html = (
        "<html><head><title>Log · SCI Tracker</title><script>var x = 'Not text';</script>"
        f"</head><body><p>{OPEN}Your entries{CLOSE}: 3</p>"
        f'<button aria-label="Close the list">{OPEN}X{CLOSE}</button>'
        f'<input type="submit" value="{OPEN}Save{CLOSE}"><input type="text" value="typed words">'
        f'<p data-text-off="Notifications are off">{OPEN}Say {OPEN}hello{CLOSE} to{CLOSE} Cara'
        "</p><p>PRIVATE-ALICE pills, alice@example.org, 12:30</p>"
        '<button lang="es">Español</button><p>SCI Tracker</p></body></html>'
    )
    assert page_findings(html) == ["Log · SCI Tracker", "Close the list", "Notifications are off"]
    assert translation.gettext("Guides") == f"{OPEN}Guides{CLOSE}"
    assert translation.pgettext("navigation landmark", "Main") == f"{OPEN}Main{CLOSE}"
    assert translation.ngettext("an entry", "entries", 2) == f"{OPEN}entries{CLOSE}"
    assert translation.npgettext("x", "a day", "days", 1) == f"{OPEN}a day{CLOSE}"


def test_it_lists_only_findings_still_to_fix():
    """The list holds pages and sentences, each a non-empty list without repeats."""
    for page, runs in listed().items():
        assert re.match(r"^(signed out|person|carer|clinician|error pages): ", page), page
        assert runs, page
        assert len(runs) == len(set(runs)), page
