"""The app in Spanish, as a Spanish-speaking visitor meets it (issue 21).

Two checks. Every page of the URLconf, opened by each kind of visitor with the browser asking for
Spanish, finds each of its words in the Spanish catalogue: a string marked for translation but
missing from locale/es (or left untranslated there) would reach the reader in English. And a new
person walks the app's first day in Spanish (signs up, logs a spasm and leg pain, reads a guide,
opens the trends, downloads the report) and meets no English sentence on the way.
"""

import re
import zlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from sci_tracker.accounts.models import User
from sci_tracker.core import dates
from sci_tracker.diary.models import Intervention, LegPainEntry, SpasmEpisode, Trigger
from tests.conftest import PASSWORD
from tests.entries import builtin
from tests.pseudo_locale import visible_texts
from tests.test_authorization import address, client_for, send

# The walker's fixture `world` (its accounts, diaries, links), by another name here.
from tests.test_authorization import world as authorization_world  # noqa: F401, I001
from tests.test_pseudo_locale import VISITORS, pages_of

NOW = datetime(2026, 6, 15, 10, 30, tzinfo=UTC)
SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-ES,es;q=0.9"}

# Short English words that Spanish never writes as words of its own: two of them in one text
# make an English sentence ("Save it to your diary"); one alone may be a name.
ENGLISH = frozenset(
    [
        "the",
        "and",
        "you",
        "your",
        "to",
        "of",
        "is",
        "with",
        "for",
        "this",
        "that",
        "are",
        "what",
        "how",
        "when",
        "it",
        "on",
        "in",
        "not",
        "be",
        "can",
        "have",
        "was",
        "will",
        "or",
        "at",
        "by",
        "from",
        "if",
        "we",
        "our",
        "my",
        "has",
        "been",
        "there",
        "their",
        "they",
        "them",
        "which",
    ]
)
WORD = re.compile(r"[A-Za-z]+")


class RecordingTranslation(trans_real.DjangoTranslation):
    """Django's Spanish, noting each message it has no translation for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.missed: set[str] = set()

    def gettext(self, message: str) -> str:
        if message and self._catalog.get(message) is None:
            self.missed.add(message.replace("\x04", " | "))
        return super().gettext(message)

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        try:
            self._catalog.plural(singular, number)
        except KeyError:
            self.missed.add(singular.replace("\x04", " | "))
        return super().ngettext(singular, plural, number)


def pdf_objects(content: bytes) -> str:
    """The PDF's objects as text, its compressed streams (object streams among them) opened."""
    parts = [content.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, flags=re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue  # not a Flate stream (an image, a font)
    return "\n".join(parts)


@pytest.fixture
def recording(monkeypatch):
    spanish = RecordingTranslation("es")
    monkeypatch.setitem(trans_real._translations, "es", spanish)
    # Month names and date patterns are kept per language once looked up: look again.
    dates._patterns.cache_clear()
    yield spanish
    translation.deactivate()
    dates._patterns.cache_clear()


def english_sentences(html: str) -> list[str]:
    """The texts of a page (text nodes and the attributes people read) that are English."""
    found = []
    for text, _in_flow in visible_texts(html):
        words = {word.lower() for word in WORD.findall(text)}
        if len(words & ENGLISH) >= 2 and text.strip() not in found:
            found.append(text.strip()[:200])
    return found


@pytest.mark.parametrize("visitor", list(VISITORS))
@time_machine.travel(NOW, tick=False)
def test_every_page_finds_its_words_in_the_spanish_catalogue(visitor, db, recording, request):
    world = request.getfixturevalue("authorization_world")
    clients, opened = {}, 0
    for _name, role, pattern in pages_of(visitor):
        if role.name not in clients:
            clients[role.name] = client_for(role, world, **SPANISH)
        response = send(clients[role.name], "GET", address(pattern, role, world))
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert response.headers["Content-Language"] == "es", pattern.route
            opened += 1
    assert opened > 10
    assert "\n".join(sorted(recording.missed)) == ""


def test_it_notes_a_message_missing_from_the_catalogue(recording):
    with translation.override("es"):
        assert translation.gettext("Guides") == "Guías"
        assert translation.gettext("A sentence nobody wrote") == "A sentence nobody wrote"
        assert (
            translation.ngettext("%(count)d review note", "%(count)d review notes", 2)
            == "%(count)d notas de revisión"
        )
    assert recording.missed == {"A sentence nobody wrote"}


def test_it_finds_english_sentences_but_not_spanish_ones():
    html = (
        "<html><body><p>Guarde el registro en su diario.</p><p>Save it to your diary.</p>"
        '<button aria-label="Close the list of triggers">x</button>'
        '<p lang="en">Read the English page</p>'
        "<p>SCI Tracker</p></body></html>"
    )
    assert english_sentences(html) == ["Save it to your diary.", "Close the list of triggers"]


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=False)
def test_a_new_person_spends_a_first_day_in_spanish_without_meeting_english(
    catalogue, client, recording
):
    pages = {}

    def visit(name, response):
        assert response.status_code == 200, name
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert '<html lang="es"' in html, name
            pages[name] = english_sentences(html)
        return response

    client.defaults.update(SPANISH)
    visit("home", client.get("/"))
    visit("sign-up form", client.get(reverse("signup")))
    form = {
        "email": "lucia@example.org",
        "display_name": "Lucía",
        "time_zone": "Europe/Madrid",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "uses_app_as": "own",
    }
    sent = visit("signed up", client.post(reverse("signup"), form, follow=True))
    assert "Revise su correo electrónico" in sent.text
    (confirmation,) = mail.outbox  # written in the language she signed up in
    for line in [confirmation.subject, *confirmation.body.splitlines()]:
        assert len({word.lower() for word in WORD.findall(line)} & ENGLISH) < 2, line
    lucia = User.objects.get(email="lucia@example.org")
    signed_in = client.post(
        reverse("login"), {"username": lucia.email, "password": PASSWORD}, follow=True
    )
    visit("signed in", signed_in)
    assert "Lucía" in signed_in.text

    visit("log page", client.get(reverse("diary:quick_log")))
    saved = visit("spasm saved", client.post(reverse("diary:spasm_now"), follow=True))
    assert "Espasmo guardado" in saved.text
    visit("pain form", client.get(reverse("diary:new", args=["pain"])))
    pain = {
        "when": "15",
        "intensity": "6",
        "sites": ["left-foot", "right-foot"],
        "qualities": ["burning"],
        "pain_type": "neuropathic-below",
        "triggers": [builtin(Trigger, "position-change").pk],
        "note": "Peor después del traslado",
        "tried-TOTAL_FORMS": "1",
        "tried-INITIAL_FORMS": "0",
        "tried-0-intervention": builtin(Intervention, "stretching").pk,
        "tried-0-effect": "helped-a-little",
        "tried-0-dose": "",
    }
    visit("pain saved", client.post(reverse("diary:new", args=["pain"]), pain, follow=True))
    assert SpasmEpisode.objects.filter(owner=lucia).count() == 1
    assert LegPainEntry.objects.get(owner=lucia).intensity == 6

    visit("guides", client.get(reverse("guides:index")))
    guide = visit("a guide", client.get(reverse("guides:page", args=["why-spasms-happen"])))
    assert "Esta página es una traducción" in guide.text
    visit("trends", client.get(reverse("trends:overview")))
    visit("report", client.get(reverse("reports:report")))
    pdf = visit("report PDF", client.get(reverse("reports:pdf")))
    assert pdf["Content-Type"] == "application/pdf"
    assert "/Lang (es)" in pdf_objects(pdf.content)  # a screen reader reads it in Spanish

    assert {name: found for name, found in pages.items() if found} == {}
    assert sorted(recording.missed) == []


OWN_TRANSLATION = "traducción propia de SCI Tracker"


@pytest.mark.parametrize(
    ("language", "shown"), [("es", True), ("en-GB", False)], ids=["spanish", "english"]
)
def test_the_scales_say_their_wording_is_the_apps_own_translation(
    alice_client, alice, language, shown
):
    alice_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    for page in (reverse("diary:new", args=["checkin"]), reverse("diary:new", args=["pain"])):
        text = alice_client.get(page).text
        assert (OWN_TRANSLATION in text) is shown, page
        assert ("SCI Tracker’s own translation" in text) is False, page
    # Pages without a scale carry no such note.
    assert OWN_TRANSLATION not in alice_client.get(reverse("diary:new", args=["event"])).text
    assert (OWN_TRANSLATION in alice_client.get(reverse("reports:report")).text) is shown


SAY_IT_NOTE = "Por ahora, Dígalo solo entiende frases en inglés"


@pytest.mark.parametrize(
    ("language", "shown"), [("es", True), ("en-GB", False)], ids=["spanish", "english"]
)
def test_the_say_it_box_says_it_reads_english_and_gives_english_examples(
    alice_client, language, shown
):
    alice_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    for page in (reverse("diary:quick_log"), reverse("diary:say_it")):
        html = alice_client.get(page).text
        assert (SAY_IT_NOTE in html) is shown, page
        # The examples are the sentences it reads, in English, marked so for screen readers.
        assert '<span lang="en">“bad spasm in my left leg ten minutes ago”, ' in html, page
