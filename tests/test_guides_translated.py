"""The guides in other languages: each translated page follows an English review, keeps the
English page's anchors and diary boxes, reads plainly, and is what a reader in that language
gets, with a way back to the English page."""

import re
from datetime import date

import pytest
import textstat
from django.urls import reverse
from django.utils import translation

from sci_tracker.guides import pages
from sci_tracker.guides.pages import CONTENT, ENGLISH, PAGE_ORDER, all_pages, get_page
from tests.test_guides import assert_section_exists, guide_links, section_of

SPANISH = "es"
TRANSLATED = sorted(
    (path.parent.name, path.stem) for path in CONTENT.glob("*/*.md")
)  # (language, slug) for every translated file
# Szigriszt-Pazos on the INFLESZ scale (Barrio-Cantalejo et al., 2008, made for health texts):
# 55-65 is "normal", 65-80 "fairly easy". Patient information should reach 55; the English pages
# aim at grade 8, about Flesch 65, so the Spanish pages aim at "fairly easy" too.
MIN_SZIGRISZT_PAZOS = 65


def spanish_get(client, url, **params):
    """A page as a reader whose browser asks for Spanish sees it."""
    with translation.override(SPANISH):
        return client.get(url, params, headers={"accept-language": SPANISH})


@pytest.fixture
def fresh_pages():
    """Pages rendered anew for the test, and again after it, for tests that change the files."""
    pages.rendered.cache_clear()
    yield
    pages.rendered.cache_clear()


@pytest.fixture
def spanish_textstat():
    textstat.set_lang(SPANISH)
    yield
    textstat.set_lang("en_US")


def test_it_has_spanish_translations_only_of_pages_that_exist():
    assert {SPANISH} == pages.TRANSLATIONS
    assert TRANSLATED
    for _, slug in TRANSLATED:
        assert slug in PAGE_ORDER


# The header: which English review each translation follows ------------------------------------


@pytest.mark.parametrize(("language", "slug"), TRANSLATED)
def test_it_follows_the_english_pages_latest_review(language, slug):
    english, translated = get_page(slug, ENGLISH), get_page(slug, language)
    assert translated.language == language
    assert translated.reviewed is None  # its date is the English review it follows
    assert translated.follows is not None, f"{language}/{slug}: no follows: date"
    assert english.reviewed <= translated.follows, (
        f"{language}/{slug}.md follows the English page of {translated.follows}, but the English "
        f"page was reviewed again on {english.reviewed}: update the translation and its follows:"
    )
    assert translated.title
    assert translated.summary
    assert translated.sources
    assert translated.title != english.title


def test_it_fails_a_translation_when_the_english_page_is_reviewed_later(
    monkeypatch, tmp_path, fresh_pages
):
    slug = TRANSLATED[0][1]
    later = re.sub(
        r"^reviewed: .*$",
        "reviewed: 2099-01-01",
        (CONTENT / f"{slug}.md").read_text(),
        count=1,
        flags=re.MULTILINE,
    )
    (tmp_path / f"{slug}.md").write_text(later)
    real = pages.source_path
    monkeypatch.setattr(
        pages,
        "source_path",
        lambda s, language=ENGLISH: (
            tmp_path / f"{s}.md" if s == slug and language == ENGLISH else real(s, language)
        ),
    )
    with pytest.raises(AssertionError, match="reviewed again on 2099-01-01"):
        test_it_follows_the_english_pages_latest_review(SPANISH, slug)


# The same structure as the English page ---------------------------------------------------------


def headings(page):
    return [(section.anchor, section.level) for section in page.sections[1:]]


@pytest.mark.parametrize(("language", "slug"), TRANSLATED)
def test_it_keeps_the_english_anchors_and_diary_boxes_in_order(language, slug):
    english, translated = get_page(slug, ENGLISH), get_page(slug, language)
    assert headings(translated) == headings(english)
    assert translated.diary_boxes == english.diary_boxes
    # Every heading names its anchor itself: none made up from the translated words.
    body = (CONTENT / language / f"{slug}.md").read_text().split("\n\n", 1)[1]
    for text in re.findall(r"^#+ (.+)$", body, re.MULTILINE):
        assert re.search(r"\{#[a-z0-9-]+\}$", text), f"{language}/{slug}: {text}"


@pytest.mark.parametrize(("language", "slug"), TRANSLATED)
def test_it_keeps_every_number_of_the_english_page(language, slug):
    # Figures (78 in 100, T6, 2 to 6 weeks, every 30 minutes) are the facts most easily lost.
    def numbers(page):
        return sorted(re.findall(r"\d+", page.text))

    assert numbers(get_page(slug, language)) == numbers(get_page(slug, ENGLISH))


@pytest.mark.parametrize(("language", "slug"), TRANSLATED)
def test_it_links_from_a_translation_only_to_sections_that_exist(client, db, language, slug):
    with translation.override(language):
        url = reverse("guides:page", args=[slug])
        html = client.get(url, headers={"accept-language": language}).text
        assert ".md" not in " ".join(guide_links(html))
        for href in guide_links(html):
            assert_section_exists(client, href)


# What a reader in Spanish sees ------------------------------------------------------------------


@pytest.mark.parametrize(("language", "slug"), [pair for pair in TRANSLATED if pair[0] == SPANISH])
def test_it_shows_a_spanish_reader_the_translation_and_the_way_to_the_english_page(
    client, db, language, slug
):
    english, translated = get_page(slug, ENGLISH), get_page(slug, SPANISH)
    html = spanish_get(client, reverse("guides:page", args=[slug])).text
    assert f'<h1 lang="es">{translated.title}</h1>' in html
    assert english.title not in html
    assert '<div class="guide-body" lang="es">' in html
    # The note is in Spanish and links to the English page, with the review date it follows.
    note = (
        f'Esta página es una traducción de <a href="/guides/{slug}/?lang=en" hreflang="en">'
        "la página en inglés</a> tal como se revisó el 29 de noviembre de 2026."
    )
    assert translated.follows == date(2026, 11, 29)
    assert html.count(note) == 2  # under the title and beside the sources
    assert "Last reviewed" not in html
    for source in translated.sources:
        assert f"<li>{source}</li>" in html

    forced = spanish_get(client, reverse("guides:page", args=[slug]), lang="en").text
    assert f'<h1 lang="en">{english.title}</h1>' in forced
    assert "Esta página es una traducción" not in forced
    assert f'<h2 id="{english.sections[1].anchor}">{english.sections[1].title}</h2>' in forced


def test_it_shows_the_english_page_to_an_english_reader(client, db):
    slug = TRANSLATED[0][1]
    html = client.get(reverse("guides:page", args=[slug])).text
    assert f'<h1 lang="en">{get_page(slug, ENGLISH).title}</h1>' in html
    assert get_page(slug, SPANISH).title not in html
    assert "traducción" not in html


def test_it_reads_a_regional_spanish_as_spanish():
    assert pages.guide_language("es-mx") == SPANISH
    assert pages.guide_language("es_AR") == SPANISH
    assert pages.guide_language("en-gb") == ENGLISH
    assert pages.guide_language("fr") == ENGLISH  # no French pages: English


def test_it_lists_the_translations_on_the_index_in_reading_order(client, db):
    html = spanish_get(client, reverse("guides:index")).text
    listed = html[html.index('<ul class="guide-list">') :]
    positions = [listed.index(f'href="/guides/{slug}/"') for slug in PAGE_ORDER]
    assert positions == sorted(positions)
    for slug in PAGE_ORDER:
        shown = get_page(slug, SPANISH)
        assert f'<p lang="{shown.language}">{shown.summary}</p>' in listed
    for _, slug in TRANSLATED:
        assert get_page(slug, ENGLISH).summary not in listed


def test_it_falls_back_to_english_for_a_page_not_yet_translated(
    client, db, monkeypatch, fresh_pages
):
    missing = TRANSLATED[0][1]
    real = pages.source_path

    def without_one(slug, language=ENGLISH):
        if slug == missing and language == SPANISH:
            return CONTENT / SPANISH / "not-translated-yet.md"
        return real(slug, language)

    monkeypatch.setattr(pages, "source_path", without_one)
    english = get_page(missing, ENGLISH)
    assert get_page(missing, SPANISH) is english
    html = spanish_get(client, reverse("guides:page", args=[missing])).text
    assert f'<h1 lang="en">{english.title}</h1>' in html
    assert "Esta página es una traducción" not in html
    index = spanish_get(client, reverse("guides:index")).text
    assert f'<p lang="en">{english.summary}</p>' in index
    others = [slug for language, slug in TRANSLATED if language == SPANISH and slug != missing]
    for slug in others:
        assert all_pages(SPANISH)[slug].language == SPANISH


def test_it_searches_the_spanish_pages_with_or_without_accents(client, db):
    hits = pages.search("médula", SPANISH)
    assert hits
    assert hits == pages.search("MEDULA", SPANISH)
    for hit in hits:
        assert hit.page.language == SPANISH
        assert "medula" in pages.fold(hit.section.title + hit.section.text)
    assert any("médula" in hit.section.text for hit in hits)  # found without its accent
    assert pages.search("médula", ENGLISH) == []

    html = spanish_get(client, reverse("guides:search"), q="medula").text
    assert f'<li lang="es">\n            <a href="{hits[0].url}">' in html
    assert "<mark>médula</mark>" in html or "<mark>Médula</mark>" in html
    for hit in hits:
        assert_section_exists(client, hit.url)


# Plain Spanish ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "slug"), [pair for pair in TRANSLATED if pair[0] == SPANISH])
def test_it_reads_as_fairly_easy_spanish(spanish_textstat, language, slug):
    score = textstat.szigriszt_pazos(get_page(slug, SPANISH).text)
    assert score >= MIN_SZIGRISZT_PAZOS, f"{slug}: Szigriszt-Pazos {score:.1f}"


def test_it_measures_harder_spanish_as_less_readable(spanish_textstat):
    # The measure itself works in Spanish: a clinical sentence scores far below the pages.
    hard = (
        "La administración intratecal de baclofeno requiere una monitorización farmacológica "
        "meticulosa, considerando potenciales manifestaciones catastróficas de abstinencia."
    )
    assert textstat.szigriszt_pazos(hard) < MIN_SZIGRISZT_PAZOS / 2


# Clinically right in Spanish too: the corrections the English pages carry --------------------


def spanish_section(client, slug, anchor):
    """A section of the Spanish page, from its heading to the next heading of its level or above."""
    html = spanish_get(client, reverse("guides:page", args=[slug])).text
    assert get_page(slug, SPANISH).language == SPANISH, f"{slug} is not translated yet"
    return section_of(html, anchor)


def test_it_names_the_pressure_sites_and_how_often_to_relieve_pressure_in_spanish(client, db):
    html = spanish_section(client, "leg-pain-causes", "pressure-sores")
    for site in ("sacro", "isquiones", "caderas", "talones"):
        assert site in html
    assert "1 a 2 minutos más o menos cada 30 minutos" in html  # seated
    assert "suele ser cada 2 horas" in html  # turning in bed
    assert "al menos una vez al día" in html
    assert "espejo" in html
    assert "tobillos" not in html  # the article's unsafe list of sites


def test_it_keeps_the_medicine_warnings_in_spanish(client, db):
    html = spanish_section(client, "managing-spasms", "medicines")
    assert "Nunca deje de tomar las pastillas de baclofeno de golpe." in html
    assert "alucinaciones" in html
    assert "convulsiones" in html
    dantrolene = html[html.index("<strong>Dantroleno</strong>") :]
    dantrolene = dantrolene[: dantrolene.index("</li>")]
    assert "Actúa en el propio músculo" in dantrolene
    assert "hígado" in dantrolene
    tizanidine = html[html.index("<strong>Tizanidina</strong>") :]
    assert "presión arterial" in tizanidine[: tizanidine.index("</li>")]
    pump = spanish_section(client, "managing-spasms", "baclofen-pump")
    assert "Es una emergencia." in pump
    assert 'href="/guides/red-flags/#baclofen-pump-withdrawal"' in pump


def test_it_hedges_stretching_and_times_botulinum_toxin_in_spanish(client, db):
    stretching = spanish_section(client, "managing-spasms", "stretching")
    assert "solo un poco" in stretching
    assert "no como una forma segura de evitar las contracturas" in stretching
    toxin = spanish_section(client, "managing-spasms", "botulinum-toxin")
    assert "2 a 6 semanas" in toxin
    assert "3 a 4 meses" in toxin
    assert "12 semanas" in toxin
    assert "3 a 6" not in toxin


def test_it_puts_spinal_shock_down_to_the_loss_of_signals_in_spanish(client, db):
    html = spanish_section(client, "why-spasms-happen", "spinal-shock")
    assert "hinch" not in html  # not swelling
    assert "deja de recibir de golpe las señales del cerebro" in html
    assert "señales que calman los reflejos" in html


def test_it_explains_at_level_nerve_pain_in_spanish(client, db):
    html = spanish_section(client, "leg-pain-causes", "at-level-nerve-pain")
    assert "una banda alrededor del nivel de su lesión" in html
    assert "tres niveles de la columna" in html
    assert "más o menos igual de común" in html
    muscle = spanish_section(client, "leg-pain-causes", "muscle-and-joint-pain")
    assert "El dolor por espasmos también cuenta como dolor musculoesquelético." in muscle
    clot = spanish_section(client, "leg-pain-causes", "deep-vein-thrombosis")
    assert "busque atención médica el mismo día" in clot
    assert "es una emergencia" in clot
