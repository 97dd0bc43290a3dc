"""The guidance pages: public, readable, linked from every diary item, with the reader's own
figures beside the sections they belong to."""

import hashlib
import os
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import textstat
import time_machine
from django.conf import settings
from django.urls import reverse

from sci_tracker.accounts.models import User
from sci_tracker.diary.catalogue import INTERVENTIONS, PAIN_TYPE_GUIDES, TRIGGERS
from sci_tracker.diary.demo import seed_demo
from sci_tracker.diary.models import Intervention, PainType, RedFlag, Trigger
from sci_tracker.diary.red_flags import ADVICE, AUTONOMIC_DYSREFLEXIA, HEADACHE_WITHOUT_AD_RISK
from sci_tracker.guides import diary_boxes, pages
from sci_tracker.guides.pages import CONTENT, PAGE_ORDER, all_pages
from sci_tracker.guides.templatetags.guides import item_link
from tests.conftest import make_user
from tests.entries import NOW, at, builtin, checkin, event, pain, spasm

TODAY = date(2026, 3, 15)  # NOW in Auckland
MAX_GRADE = 8
SHARED_RUN = 8  # words in a row the pages may not share with the two source articles
ARTICLE_RUNS = CONTENT.parent / "article_runs.txt"


def page_html(client, slug):
    response = client.get(reverse("guides:page", args=[slug]))
    assert response.status_code == 200
    return response.text


def section_html(client, slug, anchor):
    return section_of(page_html(client, slug), anchor)


def section_of(html, anchor):
    """The rendered section from its heading to the next heading of the same or a higher level."""
    start = html.index(f'id="{anchor}"')
    level = html[html.rindex("<h", 0, start) + 2]
    ends = [html.find(f"<h{n}", start) for n in range(2, int(level) + 1)]
    ends = [end for end in ends if end != -1] or [html.index('id="sources"')]
    return html[start : min(ends)]


def run_fingerprints(text, length=SHARED_RUN):
    """A short hash of every run of `length` words, so the test can compare the pages with the
    articles without the repository holding the articles' text."""
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())
    runs = (" ".join(words[i : i + length]) for i in range(len(words) - length + 1))
    return {hashlib.sha256(run.encode()).hexdigest()[:16] for run in runs}


def article_files():
    """The two source articles, where this machine has them (not in the repository)."""
    folder = os.environ.get("SCI_GUIDE_ARTICLES")
    candidates = [folder] if folder else []
    base = settings.BASE_DIR.resolve()
    candidates += [str(parent / "shared" / "reference") for parent in base.parents]
    for candidate in candidates:
        found = sorted(Path(candidate).glob("00*_*.txt"))
        if found:
            return found
    return []


class Links(HTMLParser):
    """Every link's address in a page."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def guide_links(html):
    parser = Links()
    parser.feed(html)
    return [href for href in parser.hrefs if urlsplit(href).path.startswith("/guides/")]


def assert_section_exists(client, href):
    """The link opens a guide page that has an element with the link's anchor as its id."""
    parts = urlsplit(href)
    response = client.get(parts.path)
    assert response.status_code == 200, href
    if parts.fragment:
        assert f'id="{parts.fragment}"' in response.text, href


# The pages ---------------------------------------------------------------------------------


def test_it_has_a_page_for_every_file_and_a_file_for_every_page():
    assert sorted(path.stem for path in CONTENT.glob("*.md")) == sorted(PAGE_ORDER)
    assert len(PAGE_ORDER) == 7


def test_it_lists_every_page_on_the_index_in_reading_order(client, db):
    html = client.get(reverse("guides:index")).text
    listed = html[html.index('<ul class="guide-list">') :]
    positions = [listed.index(f'href="/guides/{slug}/"') for slug in PAGE_ORDER]
    assert positions == sorted(positions)
    for found in all_pages().values():
        assert found.summary in html
    assert "General information, not medical advice." in html


@pytest.mark.parametrize("slug", PAGE_ORDER)
def test_it_shows_a_page_to_anyone_with_its_notice_contents_and_sources(client, db, slug):
    found = all_pages()[slug]
    html = page_html(client, slug)
    assert f'<h1 lang="en">{found.title}</h1>' in html
    assert "General information, not medical advice." in html
    assert "a clinician about your own situation" in html
    # A table of contents entry for every section, and the sources at the end.
    for section in found.sections[1:]:
        assert f'<a href="#{section.anchor}">' in html, section.anchor
    sources = html.index('<h2 id="sources">Sources</h2>')
    assert sources > html.index(found.sections[-1].anchor)
    for source in found.sources:
        assert f"<li>{source}</li>" in html[sources:]
    assert found.sources
    assert "Last reviewed" in html[sources:]
    # The red-flags page is one click away from every page.
    assert 'href="/guides/red-flags/">Red flags: when to get help now</a>' in html


def test_it_answers_404_for_a_page_that_does_not_exist(client, db):
    assert client.get("/guides/no-such-page/").status_code == 404


@pytest.mark.parametrize("slug", PAGE_ORDER)
def test_it_gives_every_heading_an_anchor_of_its_own_in_order(slug):
    body = (CONTENT / f"{slug}.md").read_text().split("\n\n", 1)[1]
    headings = re.findall(r"^(#+) (.+)$", body, re.MULTILINE)
    assert headings
    levels = [len(marks) for marks, _ in headings]
    assert levels[0] == 2  # the title is the page's only h1
    assert set(levels) <= {2, 3}
    anchors = []
    for _, text in headings:
        found = re.search(r"\{#([a-z0-9-]+)\}$", text)
        assert found, f"{slug}: heading without an anchor: {text}"
        anchors.append(found.group(1))
    assert len(anchors) == len(set(anchors))
    assert set(anchors) == all_pages()[slug].anchors - {""}


@pytest.mark.parametrize("slug", PAGE_ORDER)
def test_it_reads_at_about_a_grade_8_level(slug):
    grade = textstat.flesch_kincaid_grade(all_pages()[slug].text)
    assert grade <= MAX_GRADE, f"{slug}: Flesch-Kincaid grade {grade:.1f}"


def test_it_measures_harder_text_as_a_higher_grade():
    # The measure itself works: a clinical sentence scores far above the pages' plain words.
    hard = (
        "Intrathecal baclofen administration necessitates meticulous pharmacological monitoring, "
        "considering potentially catastrophic withdrawal manifestations."
    )
    assert textstat.flesch_kincaid_grade(hard) > 2 * MAX_GRADE


def stored_article_runs():
    lines = ARTICLE_RUNS.read_text().splitlines()
    return {line for line in lines if line and not line.startswith("#")}


@pytest.mark.parametrize("slug", PAGE_ORDER)
def test_it_shares_no_run_of_8_words_with_the_source_articles(slug):
    shared = run_fingerprints(all_pages()[slug].text) & stored_article_runs()
    assert not shared, f"{slug}: {len(shared)} runs of {SHARED_RUN} words copied from an article"


def test_it_finds_a_shared_run_of_8_words_but_not_of_7():
    source = run_fingerprints("Spasms, said the nurse, can wake you up at night quite often.")
    copied = "He wrote: can wake you up at night quite often, again."
    near = "He wrote: can wake you up at night, quite rarely."
    assert run_fingerprints(copied) & source
    assert not run_fingerprints(near) & source


def test_it_keeps_the_fingerprints_in_step_with_the_articles():
    files = article_files()
    if not files:
        pytest.skip("the source articles are not on this machine; the stored fingerprints stand")
    expected = set().union(*(run_fingerprints(path.read_text()) for path in files))
    assert stored_article_runs() == expected


def test_it_links_between_pages_only_to_sections_that_exist(client, db):
    for slug in PAGE_ORDER:
        html = page_html(client, slug)
        assert ".md" not in " ".join(guide_links(html))
        for href in guide_links(html):
            assert_section_exists(client, href)


# Learn more: every diary item names a section that exists ---------------------------------


def catalogue_sections():
    return (
        [guide for *_, guide in TRIGGERS]
        + [guide for *_, guide in INTERVENTIONS]
        + list(PAIN_TYPE_GUIDES.values())
        + [advice.guide for advice in ADVICE.values()]
        + [AUTONOMIC_DYSREFLEXIA.guide, HEADACHE_WITHOUT_AD_RISK.guide]
    )


def test_it_names_an_existing_section_for_every_built_in_item():
    assert set(PAIN_TYPE_GUIDES) == set(PainType.values)
    assert set(ADVICE) | {RedFlag.AD_SIGNS} == set(RedFlag)
    for section in catalogue_sections():
        slug, _, anchor = section.partition("#")
        assert slug in all_pages(), section
        assert anchor in all_pages()[slug].anchors, section


def test_it_stores_each_sections_name_in_the_catalogue_table(db):
    for model, rows in ((Trigger, TRIGGERS), (Intervention, INTERVENTIONS)):
        stored = dict(model.objects.filter(owner=None).values_list("slug", "guide"))
        assert stored == {slug: guide for slug, _, _, guide in rows}


def test_it_offers_learn_more_for_every_choice_in_the_diary_forms(alice_client, alice):
    Trigger.objects.create(owner=alice, slug="long-drive", name="Long drive", category="other")
    # With a pump, so the pump alarm is one of the choices too (it is offered to pump users).
    User.objects.filter(pk=alice.pk).update(has_baclofen_pump=True)
    for kind in ("spasm", "pain"):
        html = alice_client.get(reverse("diary:new", args=[kind])).text
        links = guide_links(html)
        for href in links:
            assert_section_exists(alice_client, href)
        expected = {guide for *_, guide in TRIGGERS + INTERVENTIONS}
        expected |= {advice.guide for advice in ADVICE.values()} | {AUTONOMIC_DYSREFLEXIA.guide}
        if kind == "pain":
            expected |= set(PAIN_TYPE_GUIDES.values())
        assert {pages.section_url(section) for section in expected} <= set(links)
        assert "Learn more about these triggers" in html
        assert "Learn more about these treatments" in html
        # Guides open in a new tab, so a half-filled form stays as it is.
        assert 'target="_blank" rel="noopener">Full bladder, Urinary tract infection<' in html
        assert "Long drive</a>" not in html  # a person's own trigger has no guide section


def test_it_links_each_item_in_the_history_to_its_section(alice_client, alice):
    entry = pain(alice, pain_type="neuropathic-below")
    entry.triggers.add(builtin(Trigger, "pressure-injury"))
    entry.uses.create(intervention=builtin(Intervention, "heat"), effect="helped-a-little")
    html = alice_client.get(reverse("diary:history")).text
    assert (
        'Set off by: <a href="/guides/why-spasms-happen/#trigger-skin">Pressure injury or sore</a>'
    ) in html
    assert 'href="/guides/managing-leg-pain/#heat"' in html
    assert 'href="/guides/leg-pain-causes/#below-level-nerve-pain"' in html
    links = guide_links(html)
    # The three items, then the menu's guides and the footer's red flags and guides.
    assert len(links) == 3 + 3
    for href in links:
        assert_section_exists(alice_client, href)


@time_machine.travel(NOW, tick=False)
def test_it_links_each_trigger_and_intervention_on_the_trends_pages(alice_client, alice):
    entry = spasm(alice)
    entry.triggers.add(builtin(Trigger, "cold"))
    entry.uses.create(intervention=builtin(Intervention, "botulinum-toxin"), effect="no-change")
    triggers = alice_client.get(reverse("trends:triggers")).text
    assert '<a href="/guides/why-spasms-happen/#trigger-cold">Learn more about cold</a>' in triggers
    helped = alice_client.get(reverse("trends:interventions")).text
    assert 'href="/guides/managing-spasms/#botulinum-toxin"' in helped
    for href in guide_links(triggers) + guide_links(helped):
        assert_section_exists(alice_client, href)


def test_it_links_the_urgent_advice_to_the_red_flags_page(alice_client, alice):
    entry = spasm(alice, red_flags=["ad-signs", "leg-swollen"])
    html = alice_client.get(reverse("diary:urgent", args=["spasm", entry.pk])).text
    assert 'href="/guides/red-flags/#autonomic-dysreflexia"' in html
    assert 'href="/guides/red-flags/#dvt-and-pulmonary-embolism"' in html
    for href in guide_links(html):
        assert_section_exists(alice_client, href)


# Search ------------------------------------------------------------------------------------


def test_it_finds_every_section_that_mentions_a_word(client, db):
    html = client.get(reverse("guides:search"), {"q": "Bladder"}).text
    hits = pages.search("bladder")
    assert len(hits) >= 3
    assert f"{len(hits)} sections mention “Bladder”." in html
    # The section about it comes first; each hit links to its section and marks the word.
    assert hits[0].section.anchor == "trigger-bladder"
    assert 'href="/guides/why-spasms-happen/#trigger-bladder"' in html
    assert "<mark>bladder</mark>" in html
    for hit in hits:
        assert "bladder" in (hit.section.title + hit.section.text).lower()
        assert_section_exists(client, hit.url)


def test_it_finds_only_sections_with_every_word(db):
    both = pages.search("heat burn")
    assert both
    for hit in both:
        text = (hit.section.title + " " + hit.section.text).lower()
        assert "heat" in text
        assert "burn" in text
    assert len(both) < len(pages.search("heat"))


def test_it_says_when_nothing_matches_and_keeps_what_was_typed(client, db):
    html = client.get(reverse("guides:search"), {"q": "<b>zebra</b>"}).text
    assert "No section of the guides mentions “&lt;b&gt;zebra&lt;/b&gt;”." in html
    assert 'value="&lt;b&gt;zebra&lt;/b&gt;"' in html
    assert "<b>zebra</b>" not in html


def test_it_asks_for_a_word_when_the_search_is_empty(client, db):
    html = client.get(reverse("guides:search")).text
    assert "Type a word" in html
    assert pages.search("   ") == []


# In your diary -----------------------------------------------------------------------------


def test_it_marks_only_boxes_that_exist_and_uses_each_one(db):
    used = []
    for found in all_pages().values():
        names = found.diary_boxes
        assert len(names) == len(set(names)), found.slug  # one of each per page: ids stay unique
        used += names
    assert set(used) == set(diary_boxes.BOXES)
    assert "leg-pain-causes" in [
        slug for slug, found in all_pages().items() if "skin-triggers" in found.diary_boxes
    ]


def test_it_shows_no_diary_box_to_a_visitor(client, db):
    for slug in PAGE_ORDER:
        assert "In your diary" not in page_html(client, slug)


@time_machine.travel(NOW, tick=False)
def test_it_counts_skin_triggers_of_the_last_30_days_beside_pressure_sores(alice_client, alice):
    sore, wound = builtin(Trigger, "pressure-injury"), builtin(Trigger, "wound")
    for days_ago in (0, 29):  # today and the 30th day back, in Auckland
        spasm(alice, occurred_at=at(TODAY - timedelta(days=days_ago), 9)).triggers.add(sore)
    pain(alice, occurred_at=at(TODAY, 8)).triggers.add(wound, builtin(Trigger, "cold"))
    spasm(alice, occurred_at=at(TODAY - timedelta(days=30), 9)).triggers.add(sore)  # too early
    binned = spasm(alice, occurred_at=at(TODAY, 7))
    binned.triggers.add(sore)
    binned.move_to_bin()
    spasm(make_user("carol"), occurred_at=at(TODAY, 9)).triggers.add(wound)  # not alice's

    html = page_html(alice_client, "leg-pain-causes")
    box = html[html.index("In your diary: skin triggers") :]
    box = box[: box.index("</aside>")]
    assert "You named a skin problem as a trigger 3 times:" in box
    assert "<li>Pressure injury or sore: 2</li>" in box
    assert "<li>Wound or cut: 1</li>" in box
    assert "Cold" not in box
    # The box sits inside the pressure sores section, before the next heading.
    section = html.index('id="pressure-sores"')
    assert section < html.index("In your diary: skin triggers") < html.index("<h2", section + 1)


def test_it_says_what_to_log_when_there_are_no_skin_triggers(alice_client):
    html = page_html(alice_client, "leg-pain-causes")
    assert "You have not named a skin problem as a trigger in the last 30 days." in html


@time_machine.travel(NOW, tick=False)
def test_it_compares_before_and_after_the_last_botox_injection(alice_client, alice):
    injection = TODAY - timedelta(days=100)
    event(alice, injection - timedelta(days=300))  # an earlier injection: not the last one
    event(alice, injection)
    for n in range(1, 29):  # the 4 weeks before: 6 spasms a day
        day = injection - timedelta(days=n)
        for hour in range(6):
            spasm(alice, occurred_at=at(day, 10 + hour))
    for n in range(7, 84):  # weeks 2 to 12 after: 2 a day
        day = injection + timedelta(days=n)
        for hour in range(2):
            spasm(alice, occurred_at=at(day, 10 + hour))

    for slug in ("managing-spasms", "managing-leg-pain"):
        html = page_html(alice_client, slug)
        box = html[html.index("In your diary: your last botulinum toxin injection") :]
        box = box[: box.index("</aside>")]
        assert "Injection on 5 December 2025." in box
        spasms_row = re.search(r"Spasms per day</th>(.*?)</tr>", box, re.DOTALL).group(1)
        assert re.findall(r"<td>([^<]*)", spasms_row) == ["6.0 ", "2.0 ", "-4.0"]
        assert "(28 days)" in spasms_row
        assert "(77 days)" in spasms_row


def test_it_says_how_to_log_an_injection_when_there_is_none(alice_client):
    html = page_html(alice_client, "managing-spasms")
    assert "No botulinum toxin injection in your diary." in html
    assert f'href="{reverse("diary:new", args=["event"])}"' in html


@time_machine.travel(NOW, tick=False)
def test_it_counts_the_days_logged_before_an_appointment(alice_client, alice):
    checkin(alice, TODAY)
    checkin(alice, TODAY - timedelta(days=3))
    spasm(alice, occurred_at=at(TODAY - timedelta(days=10), 9))
    spasm(alice, occurred_at=at(TODAY - timedelta(days=40), 9))  # outside the 30 days
    html = page_html(alice_client, "using-with-your-clinician")
    assert "You logged something on 3 of the last 30 days, with 2 daily check-ins." in html


@time_machine.travel(NOW, tick=False)
def test_it_counts_how_spasms_helped_or_got_in_the_way(alice_client, alice):
    spasm(alice, impacts=["helped-standing", "woke-me"])
    spasm(alice, impacts=["helped-standing"])
    spasm(alice, impacts=["fall"], occurred_at=at(TODAY - timedelta(days=45), 9))  # too early
    html = page_html(alice_client, "when-spasms-help")
    assert "<li>Helped me stand: 2</li>" in html
    assert "<li>Woke me up: 1</li>" in html
    assert "<li>A fall or near-fall: 0</li>" in html


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_most_logged_triggers_and_what_was_tried(alice_client, alice):
    cold, bladder = builtin(Trigger, "cold"), builtin(Trigger, "full-bladder")
    for _ in range(3):
        spasm(alice).triggers.add(cold)
    entry = spasm(alice)
    entry.triggers.add(bladder)
    entry.uses.create(intervention=builtin(Intervention, "stretching"), effect="helped-a-lot")
    html = page_html(alice_client, "why-spasms-happen")
    assert "<li>Cold: 3 times</li>" in html
    assert "<li>Full bladder: 1 time</li>" in html
    helped = page_html(alice_client, "managing-leg-pain")
    assert "Stretching or range of motion: tried 1 time; helped a lot 1" in helped


@time_machine.travel(date(2026, 11, 21), tick=False)
def test_it_fills_every_box_with_the_demo_accounts_own_numbers(client, db):
    outcome = seed_demo(days=365)
    client.force_login(User.objects.get(email=outcome.email))
    empty_states = [
        "No triggers logged",
        "You have not named a skin problem",
        "No botulinum toxin injection",
        "Nothing noted yet",
        "Nothing tried was logged",
        "Nothing logged in the last 30 days",
    ]
    shown = []
    for slug in PAGE_ORDER:
        html = page_html(client, slug)
        shown += re.findall(r'id="diary-box-([a-z-]+)"', html)
        for text in empty_states:
            assert text not in html, (slug, text)
    assert set(shown) == set(diary_boxes.BOXES)


# Clinically right: each correction, read on the rendered page --------------------------------


def test_it_names_the_sci_pressure_sites_and_how_often_to_relieve_pressure(client, db):
    html = section_html(client, "leg-pain-causes", "pressure-sores")
    for site in ("tailbone (sacrum)", "sitting bones", "hips", "heels"):
        assert site in html
    assert "1 to 2 minutes about every 30 minutes" in html  # seated
    assert "often every 2 hours" in html  # turning in bed
    assert "check your skin at least once a day" in html
    assert "mirror" in html
    everything = " ".join(page_html(client, slug) for slug in PAGE_ORDER)
    assert "ankles, knees and hips" not in everything
    assert "hips, knees and ankles" not in everything
    assert "every few hours" not in everything


def test_it_lists_every_sign_of_autonomic_dysreflexia_and_the_steps_in_order(client, db):
    html = section_html(client, "red-flags", "autonomic-dysreflexia")
    for sign in ("pounding headache", "blurred vision", "stuffy nose", "anxious", "slow pulse"):
        assert sign in html
    assert "AD can also be silent" in html
    assert "A rise of 20 to 40 points above <strong>your usual</strong> top number" in html
    steps = ["Sit up straight", "lower your legs", "Loosen anything tight", "catheter"]
    steps += ["Empty the bladder", "think of the bowel", "call your local emergency number"]
    positions = [html.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "every 2 to 5 minutes" in html


def test_it_gives_the_early_signs_and_causes_of_baclofen_pump_withdrawal(client, db):
    html = section_html(client, "red-flags", "baclofen-pump-withdrawal")
    for early in ("itching, with no rash", "light-headed", "pins and needles"):
        assert early in html
    assert "can look like AD or like an infection" in html
    for cause in ("missed or late refill", "running low", "catheter", "battery"):
        assert cause in html
    assert "Baclofen tablets must not be stopped all at once" in html
    spasms = section_html(client, "managing-spasms", "medicines")
    assert "Never stop baclofen tablets all at once." in spasms
    assert "seizures" in spasms


def test_it_explains_at_level_nerve_pain_where_the_diary_links_it(client, db):
    assert PAIN_TYPE_GUIDES["neuropathic-at"] == "leg-pain-causes#at-level-nerve-pain"
    html = section_html(client, "leg-pain-causes", "at-level-nerve-pain")
    assert "band around the level of your injury" in html
    assert "three levels of the spine" in html
    assert "about as common as below-level nerve pain" in html
    muscle = section_html(client, "leg-pain-causes", "muscle-and-joint-pain")
    assert "Pain from spasms also counts as musculoskeletal pain." in muscle


def test_it_opens_the_at_level_section_from_the_pain_forms_learn_more(alice_client):
    html = alice_client.get(reverse("diary:new", args=["pain"])).text
    assert "/guides/leg-pain-causes/#at-level-nerve-pain" in guide_links(html)
    assert_section_exists(alice_client, "/guides/leg-pain-causes/#at-level-nerve-pain")


def test_it_says_which_medicines_come_first_for_nerve_pain(client, db):
    html = section_html(client, "managing-leg-pain", "nerve-pain-medicines")
    assert "often does not get better with the pain relievers you buy in a shop" in html
    first = html.index("First choices")
    assert first < html.index("pregabalin or gabapentin") < html.index("Amitriptyline")
    assert "<strong>Opioids</strong> are not a first choice" in html
    assert "constipation" in html
    # "Opioid" is explained where it first appears on the page.
    page = page_html(client, "managing-leg-pain")
    assert page.index("Opioids are strong pain relievers") < page.index("Opioids</strong>")


def test_it_says_dantrolene_acts_in_the_muscle_and_needs_liver_checks(client, db):
    html = section_html(client, "managing-spasms", "medicines")
    dantrolene = html[html.index("<strong>Dantrolene</strong>") :]
    dantrolene = dantrolene[: dantrolene.index("</li>")]
    assert "acts in the muscle itself" in dantrolene
    assert "liver" in dantrolene
    assert "It acts on the brain and spinal cord." not in html  # said of every relaxant before


def test_it_hedges_what_stretching_can_do(client, db):
    html = section_html(client, "managing-spasms", "stretching")
    assert "one of the most important ways" not in html
    assert "Regular stretching can lower the risk of contractures." not in html
    assert "only a little" in html
    assert "not as a sure way to stop contractures" in html


def test_it_puts_spinal_shock_down_to_the_loss_of_signals_not_swelling(client, db):
    html = section_html(client, "why-spasms-happen", "spinal-shock")
    assert "swell" not in html
    assert "suddenly stops getting signals from the brain" in html
    assert "calming signals" in html


def test_it_says_how_botulinum_toxin_builds_and_wears_off(client, db):
    for slug in ("managing-spasms", "managing-leg-pain"):
        html = section_html(client, slug, "botulinum-toxin")
        assert "2 to 6 weeks" in html, slug
        assert "3 to 4 months" in html, slug
        assert "12 weeks apart" in html, slug
        assert "3 to 6" not in html, slug  # the figure the clinical reference corrects


def test_it_keeps_heat_off_skin_without_normal_feeling(client, db):
    html = section_html(client, "managing-leg-pain", "heat")
    assert "<strong>Never</strong> put a heat pad or a hot-water bottle on skin" in html
    assert "thermometer" in html
    assert "test the heat on a part of your body" not in html


def test_it_says_electrical_stimulation_may_help_and_names_tens_and_fes(client, db):
    html = section_html(client, "managing-leg-pain", "electrical-stimulation")
    assert "These pulses may stop some pain messages" in html
    assert "These pulses can stop pain messages" not in html
    assert "TENS</strong> (transcutaneous electrical nerve stimulation)" in html
    assert "FES</strong> (functional electrical stimulation)" in html


def test_it_cites_the_guidelines_the_corrections_rely_on(client, db):
    cited = {
        "leg-pain-causes": "Pressure ulcer prevention",
        "managing-leg-pain": "CanPainSCI",
        "managing-spasms": "Cochrane review CD007455",
        "red-flags": "autonomic dysreflexia, clinical practice guideline",
    }
    for slug, source in cited.items():
        assert any(source in line for line in all_pages()[slug].sources), slug
        assert "Last reviewed 29 November 2026." in page_html(client, slug)


def test_an_item_is_linked_to_its_guide_section_and_its_name_escaped(db):
    linked = item_link("Heat <pad>", "managing-spasms#heat")
    url = pages.section_url("managing-spasms#heat")
    assert linked == f'<a href="{url}">Heat &lt;pad&gt;</a>'
    assert item_link("Own <thing>", "") == "Own &lt;thing&gt;"
