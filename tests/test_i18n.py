"""Languages: the browser's choice for visitors, the profile's for people signed in, the footer
menu, `lang` on every page, the JavaScript catalogue and dates by language (docs/translating.md)."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import formats, translation

from sci_tracker.accounts.models import User
from sci_tracker.reports import pdf
from sci_tracker.sharing.models import ShareLink
from tests.conftest import make_user

SPANISH = "es-MX,es;q=0.9,en;q=0.5"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(html: str) -> str:
    return re.search(r"<html[^>]*\slang=\"([^\"]+)\"", html).group(1)


def menu_buttons(html: str) -> list[str]:
    form = re.search(r'<form class="language-menu".*?</form>', html, re.S).group(0)
    return re.findall(r"<button[^>]*>[^<]*</button>", form)


def test_it_speaks_the_browsers_language_to_a_visitor(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=SPANISH)
    assert html_lang(response.text) == "es"
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]
    assert "Saltar al contenido principal" in response.text
    assert "SCI Tracker da información general, no consejo médico." in response.text


def test_it_speaks_british_english_to_any_english_browser(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert html_lang(response.text) == "en-gb"
    assert "Skip to main content" in response.text


def test_it_speaks_english_to_a_browser_asking_for_a_language_it_does_not_have(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert html_lang(response.text) == "en-gb"


def test_it_names_each_language_in_its_own_language_in_the_footer_menu(client, db):
    response = client.get(reverse("guides:index"), HTTP_ACCEPT_LANGUAGE=SPANISH)
    assert 'aria-labelledby="language-menu-label"' in response.text
    assert '<span id="language-menu-label">Idioma:</span>' in response.text
    english, spanish = menu_buttons(response.text)
    assert 'value="en-gb" lang="en-gb">English</button>' in english
    assert 'value="es" lang="es" aria-current="true">Español</button>' in spanish
    # The menu sends the person back to the page they were on.
    assert '<input type="hidden" name="next" value="/guides/">' in response.text


def test_it_keeps_a_visitors_choice_from_the_menu(client, db):
    response = client.post(
        reverse("set_language"),
        {"language": "es", "next": reverse("guides:index")},
        HTTP_ACCEPT_LANGUAGE="en-GB",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("guides:index")
    assert response.cookies[COOKIE].value == "es"
    assert response.cookies[COOKIE]["max-age"] == settings.LANGUAGE_COOKIE_AGE
    # The browser still asks for English; the choice wins.
    page = client.get(reverse("guides:index"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert html_lang(page.text) == "es"


def test_it_saves_a_signed_in_persons_choice_on_the_profile(alice_client, alice):
    alice_client.post(reverse("set_language"), {"language": "es", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == "es"


def test_it_saves_nothing_for_a_language_it_does_not_offer(alice_client, alice):
    response = alice_client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == ""


def test_it_refuses_to_change_the_language_by_a_get(alice_client, alice):
    response = alice_client.get(reverse("set_language"), {"language": "es"})
    assert response.status_code == 405
    alice.refresh_from_db()
    assert alice.language == ""


def test_it_speaks_the_profiles_language_on_every_device(client, db):
    # Chosen on the phone; the laptop has never seen the menu, and its browser asks for English.
    person = make_user("lucia", language="es")
    client.force_login(person)
    response = client.get(reverse("diary:quick_log"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert html_lang(response.text) == "es"
    assert response["Content-Language"] == "es"
    # The cookie follows, so the pages stay Spanish after signing out on this device.
    assert response.cookies[COOKIE].value == "es"
    client.post(reverse("logout"))
    assert html_lang(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB").text) == "es"


def test_it_follows_a_change_made_on_another_device_at_the_next_page(client, db):
    person = make_user("lucia", language="es")
    client.force_login(person)
    client.get(reverse("diary:quick_log"))
    User.objects.filter(pk=person.pk).update(language="en-gb")  # chosen on the phone
    response = client.get(reverse("diary:quick_log"), HTTP_ACCEPT_LANGUAGE=SPANISH)
    assert html_lang(response.text) == "en-gb"
    assert response.cookies[COOKIE].value == "en-gb"


def test_it_follows_the_browser_when_the_profile_says_so(alice_client, alice):
    alice_client.post(reverse("set_language"), {"language": "es", "next": "/"})
    form = alice_client.get(reverse("profile")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(language="", time_zone=alice.time_zone)
    response = alice_client.post(reverse("profile"), data)
    assert response.status_code == 302, response.context["form"].errors
    alice.refresh_from_db()
    assert alice.language == ""
    # The menu's cookie goes too: otherwise it would keep Spanish.
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0


def test_it_offers_the_language_on_the_profile_named_in_each_language(alice_client):
    response = alice_client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE=SPANISH)
    html = response.text
    assert 'name="language"' in html
    assert "Igual que este navegador" in html
    assert "Español" in html
    assert "English" in html


def test_it_loads_the_javascript_catalogue_before_the_pages_scripts(alice_client):
    html = alice_client.get(reverse("trends:overview")).text
    scripts = re.findall(r'<script src="([^"]+)"', html)
    # theme.js alone runs before it, at once, to paint light or dark; it shows no words.
    assert scripts[:2] == ["/static/js/theme.js", reverse("javascript_catalogue")]
    assert "/static/js/trends.js" in scripts
    assert scripts.count(reverse("javascript_catalogue")) == 1


def test_it_serves_the_javascript_catalogue_in_the_pages_language(client, db):
    response = client.get(reverse("javascript_catalogue"), HTTP_ACCEPT_LANGUAGE=SPANISH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert '"Spasms a day": "Espasmos al d\\u00eda"' in response.text
    # The CSP allows no eval: the catalogue's plural rule is written as code, not evaluated.
    assert "eval(" not in response.text
    assert "new Function" not in response.text
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_it_marks_the_standalone_and_error_pages_with_the_language(rf: RequestFactory):
    with translation.override("es"):
        assert html_lang(render_to_string("500.html")) == "es"
        assert html_lang(render_to_string("database_unavailable.html")) == "es"
    with translation.override("en-gb"):
        assert html_lang(render_to_string("500.html")) == "en-gb"


def test_it_marks_the_404_page_with_the_language(client, db):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=SPANISH)
    assert response.status_code == 404
    assert html_lang(response.text) == "es"


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML each PDF is made from, without needing WeasyPrint."""
    made = []

    def render(html):
        made.append(html)
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr(pdf, "render_pdf", render)
    return made


def test_it_marks_the_pdfs_with_the_language(client, db, pdf_html):
    person = make_user("tess", injury_level="T4", language="es")
    client.force_login(person)
    assert client.get(reverse("reports:pdf")).status_code == 200
    assert client.get(reverse("safety:pdf")).status_code == 200
    assert [html_lang(html) for html in pdf_html] == ["es", "es"]


@time_machine.travel(datetime(2027, 1, 10, 9, tzinfo=UTC), tick=False)
def test_it_writes_dates_as_each_language_does(client, db):
    link, token = ShareLink.make(make_user("lucia"), 7)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=datetime(2027, 1, 15, 12, tzinfo=UTC))
    opened = reverse("sharing:open", kwargs={"token": token})
    page = client.get(opened, HTTP_ACCEPT_LANGUAGE="en-GB", follow=True)
    assert "15 Jan 2027" in page.text
    page = client.get(opened, HTTP_ACCEPT_LANGUAGE=SPANISH, follow=True)
    assert "15 de enero de 2027" in page.text


def test_it_keeps_the_24_hour_clock_in_english():
    moment = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
    with translation.override("en-gb"):
        assert formats.date_format(moment, "TIME_FORMAT") == "14:05"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "30 Nov 2026, 14:05"
