import os
import random
import re
import zlib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sci_tracker.diary import day_figures
from sci_tracker.diary.medicines import change_medicine, start_medicine, stop_medicine
from sci_tracker.diary.models import (
    CareEvent,
    CheckIn,
    Intervention,
    InterventionUse,
    LegPainEntry,
    MedicineDose,
    PainProblem,
    SpasmEpisode,
    TreatmentEvent,
    Trigger,
)
from sci_tracker.reports import charts, pdf, views
from sci_tracker.reports.report import MAX_NOTES, MAX_RED_FLAGS, NOTE_CHARS, build_report
from sci_tracker.reports.views import ReportLinks, report_context
from sci_tracker.sharing.models import CareAccess, ReviewNote, ShareLink, VisitMeasure
from sci_tracker.trends import aggregates
from sci_tracker.trends.aggregates import Period
from sci_tracker.trends.window import Window
from tests.conftest import diary_queries, make_user, text_of
from tests.entries import (
    AUCKLAND,
    ad_episode,
    at,
    builtin,
    care,
    checkin,
    event,
    fill_days,
    pain,
    sciset_week,
    spasm,
)

OWN_LINKS = ReportLinks(page="/report/", pdf="/report/pdf/", trends="/trends/")

# Noon on Friday 20 March 2026 in Auckland: alice's "today" in these tests.
TODAY = date(2026, 3, 20)
FROZEN = datetime.combine(TODAY, time(12), AUCKLAND)
LAST_30 = Period(TODAY - timedelta(days=29), TODAY)


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def headline(report, label):
    return next(row for row in report.headlines if row.label == label)


def figures(row):
    return (row.this, row.this_days, row.previous, row.previous_days)


# The figures ---------------------------------------------------------------------------------


def test_it_builds_the_figures_for_a_known_diary(alice, frozen):
    fill_days(alice, TODAY, 30)  # each day: check-in (pain 3, worst 6, Penn 2/1), 2 spasms, pain
    report = build_report(alice, LAST_30)
    assert (report.period, report.previous) == (
        LAST_30,
        Period(date(2026, 1, 20), date(2026, 2, 18)),
    )
    assert (report.days_recorded, report.check_ins) == (30, 30)
    assert (report.previous_days_recorded, report.previous_check_ins) == (0, 0)
    assert figures(headline(report, "Average leg pain")) == (3, 30, None, 0)
    assert figures(headline(report, "Worst leg pain, mean of each day's worst")) == (6, 30, None, 0)
    assert figures(headline(report, "Highest leg pain")) == (6, 30, None, 0)
    assert figures(headline(report, "Spasms logged per day")) == (2, 30, None, 0)
    assert figures(headline(report, "Night spasms per day")) == (1, 30, None, 0)
    assert figures(headline(report, "Penn spasm frequency, median")) == (2, 30, None, 0)
    assert figures(headline(report, "Penn spasm severity, median")) == (1, 30, None, 0)
    assert figures(headline(report, "Affected sleep")) == (None, 0, None, 0)
    assert headline(report, "Average leg pain").change is None
    assert [(e.date, e.event_kind) for e in report.events] == [(date(2026, 3, 5), "botox")]
    [cold] = report.triggers
    assert (cold.name, cold.times_logged, cold.days_logged) == ("Cold", 30, 30)
    [heat] = report.interventions
    assert (heat.name, heat.times_tried, heat.effects) == ("Heat", 30, {"helped-a-little": 30})
    assert report.person.name == "Alice"
    assert (report.person.injury_level, report.person.ais_grade) == (
        "C6",
        "AIS B: some feeling below the injury, no movement",
    )
    assert report.made_on == TODAY


def test_it_compares_the_period_with_the_one_before(alice, frozen):
    for n in range(60):
        day = TODAY - timedelta(days=n)
        this_period = n < 30
        checkin(
            alice,
            day,
            psfs_frequency=1 if this_period else 3,
            psfs_severity=1 if this_period else 2,
            pain_average=2 if this_period else 5,
            pain_worst=4 if this_period else 9 - n % 2,
            interference_sleep=1 if this_period else 6,
        )
        for _ in range(1 if this_period else 4):
            spasm(alice, occurred_at=at(day, 2, zone=alice.zone))  # 02:00: at night
    # Ten of the previous period's days have spasms but no check-in.
    CheckIn.objects.filter(owner=alice, date__lt=TODAY - timedelta(days=49)).delete()
    report = build_report(alice, LAST_30)
    pain_row = headline(report, "Average leg pain")
    assert figures(pain_row) == (2, 30, 5, 20)
    assert pain_row.change == -3
    assert (pain_row.this_count, pain_row.previous_count) == ("30 days", "20 days")
    assert figures(headline(report, "Highest leg pain")) == (4, 30, 9, 20)
    spasms = headline(report, "Spasms logged per day")
    assert figures(spasms) == (1, 30, 4, 30)
    assert figures(headline(report, "Night spasms per day")) == (1, 30, 4, 30)
    sleep = headline(report, "Affected sleep")
    assert (sleep.change, sleep.previous_count) == (-5, "20 check-ins")
    assert (report.days_recorded, report.previous_days_recorded) == (30, 30)
    assert report.previous_check_ins == 20


def test_it_shows_no_data_for_an_empty_previous_period(alice, alice_client, frozen):
    fill_days(alice, TODAY, 5)
    text = alice_client.get(reverse("reports:report")).text
    row = re.search(r"Average leg pain.*?</tr>", text, re.S).group(0)
    assert '<span class="figure">3.0</span> <span class="days">5 days</span>' in row
    assert '<span class="no-data">no data</span>' in row
    assert '<td class="change">–</td>' in row
    assert "0.0" not in row


def test_it_leaves_out_the_bin(alice, frozen):
    day = TODAY - timedelta(days=2)
    kept = spasm(alice, occurred_at=at(day, 9), red_flags=["fever"])
    binned = [
        spasm(alice, occurred_at=at(day, 10), red_flags=["chest"], note="binned spasm"),
        pain(alice, occurred_at=at(day, 11), intensity=9, note="binned pain"),
        checkin(alice, day, psfs_frequency=4, psfs_severity=3, note="binned check-in"),
        event(alice, day, kind="surgery"),
    ]
    binned[0].triggers.add(builtin(Trigger, "cold"))
    InterventionUse.objects.create(intervention=builtin(Intervention, "heat"), pain=binned[1])
    for entry in binned:
        entry.note_for_clinician = True
        entry.save()
        entry.move_to_bin()
    report = build_report(alice, LAST_30)
    assert figures(headline(report, "Spasms logged per day")) == (1, 1, None, 0)
    assert figures(headline(report, "Highest leg pain")) == (None, 0, None, 0)
    assert figures(headline(report, "Penn spasm frequency, median")) == (None, 0, None, 0)
    assert (report.events, report.triggers, report.interventions, report.notes) == ([], [], [], [])
    assert [flag.symptom for flag in report.red_flags] == ["Fever or chills"]
    assert kept.pk


def test_it_lists_red_flags_with_the_local_date_and_time(alice, alice_client, frozen):
    # 11:30 UTC on 14 March is 00:30 on the 15th in Auckland.
    spasm(
        alice,
        occurred_at=datetime(2026, 3, 14, 11, 30, tzinfo=UTC),
        red_flags=["ad-signs", "fever"],
    )
    pain(alice, occurred_at=at(date(2026, 3, 2), 17, 45), red_flags=["leg-swollen"])
    spasm(alice, occurred_at=at(date(2026, 3, 3), 8))  # no red flag
    spasm(alice, occurred_at=at(date(2026, 2, 1), 8), red_flags=["chest"])  # before the period
    report = build_report(alice, LAST_30)
    assert [(flag.when, flag.symptom, flag.kind) for flag in report.red_flags] == [
        (datetime(2026, 3, 2, 17, 45), "One leg swollen, red or warm", "Leg pain"),
        (
            datetime(2026, 3, 15, 0, 30),
            "Pounding headache, flushing or sweating above the injury",
            "Spasm",
        ),
        (datetime(2026, 3, 15, 0, 30), "Fever or chills", "Spasm"),
    ]
    text = alice_client.get(reverse("reports:report")).text
    assert re.search(
        r"<td>2 Mar 2026</td>\s*<td>17:45</td>\s*<td class=\"wraps\">One leg swollen", text
    )
    assert "Chest pain" not in text


def test_it_lists_the_most_recent_red_flags_and_counts_them_all(alice, frozen):
    for n in range(MAX_RED_FLAGS + 3):
        spasm(alice, occurred_at=at(TODAY - timedelta(days=n), 9), red_flags=["fever"])
    report = build_report(alice, LAST_30)
    assert len(report.red_flags) == MAX_RED_FLAGS
    assert report.red_flags_left_out == 3
    assert report.red_flags[-1].when == datetime(2026, 3, 20, 9)
    assert report.red_flag_counts == [("Fever or chills", MAX_RED_FLAGS + 3)]


def test_it_shows_flagged_notes_and_no_other(alice, alice_client, frozen):
    day = date(2026, 3, 10)
    spasm(alice, occurred_at=at(day, 7, 5), note="Woke me <b>twice</b>", note_for_clinician=True)
    spasm(alice, occurred_at=at(day, 8), note="Private: not for the clinic")
    checkin(alice, day, note="A bad day overall", note_for_clinician=True)
    event(alice, day, kind="medicine-change", details="Baclofen 20 mg").__class__.objects.filter(
        owner=alice
    ).update(note="Dose up after the last visit", note_for_clinician=True)
    pain(alice, occurred_at=at(day, 12), note="", note_for_clinician=True)  # nothing to show
    report = build_report(alice, LAST_30)
    # In the day's order: the event at its start, the check-in at its end; the most recent
    # MAX_NOTES (2) shown.
    assert [(note.when, note.kind, note.text) for note in report.notes] == [
        (datetime(2026, 3, 10, 7, 5), "Spasm", "Woke me <b>twice</b>"),
        (None, "Daily check-in", "A bad day overall"),
    ]
    assert report.notes_left_out == 1
    text = alice_client.get(reverse("reports:report")).text
    assert "<strong>10 Mar 2026, 07:05</strong>, spasm: Woke me &lt;b&gt;twice&lt;/b&gt;" in text
    assert "<strong>10 Mar 2026</strong>, daily check-in: A bad day overall" in text
    assert "Private: not for the clinic" not in text
    assert "<b>twice</b>" not in text


def test_it_cuts_long_notes_and_keeps_the_most_recent(alice, frozen):
    for n in range(MAX_NOTES + 2):
        spasm(
            alice,
            occurred_at=at(TODAY - timedelta(days=n), 9),
            note=f"Note {n} " + "x" * 600,
            note_for_clinician=True,
        )
    report = build_report(alice, LAST_30)
    assert len(report.notes) == MAX_NOTES
    assert report.notes_left_out == 2
    assert report.notes[-1].text.startswith("Note 0 ")
    assert len(report.notes[-1].excerpt) == NOTE_CHARS
    assert report.notes[-1].cut


def test_it_never_shows_another_persons_data(alice, bob, alice_client, frozen):
    fill_days(bob, TODAY, 30)
    spasm(bob, occurred_at=at(TODAY, 9), red_flags=["chest"], note="Bob's note")
    SpasmEpisode.objects.filter(owner=bob).update(note_for_clinician=True)
    report = build_report(alice, LAST_30)
    assert report.days_recorded == 0
    assert (report.events, report.triggers, report.interventions) == ([], [], [])
    assert (report.red_flags, report.notes) == ([], [])
    text = alice_client.get(reverse("reports:report")).text
    for word in ("Bob", "Cold", "Heat", "Botulinum", "Chest pain"):
        assert word not in text
    # The page takes no owner: asking for bob's changes nothing.
    assert "Bob" not in alice_client.get(reverse("reports:report"), {"owner": bob.pk}).text


def test_it_reads_a_month_or_a_dense_year_in_the_same_queries(alice, alice_client, frozen):
    def queries():
        with CaptureQueriesContext(connection) as done:
            response = alice_client.get(reverse("reports:report"), {"range": "1y"})
        assert response.status_code == 200
        return len(diary_queries(done))

    fill_days(alice, TODAY, 30)
    month = queries()
    fill_days(alice, TODAY - timedelta(days=30), 300)
    for n in range(20):
        spasm(alice, occurred_at=at(TODAY - timedelta(days=n), 9), red_flags=["fever"])
    assert queries() == month
    # 16, one for the AD episodes, one for the confirmed pain types, one for the SCI-SET weeks,
    # two for the care weeks (trends.care_weeks), one for the doses by week, one for the menu's
    # roles (sharing/roles.py: whom the account helps, one query whatever the diary holds),
    # three for the spasms after bladder, bowel, skin and medicine events, one for those events
    # that count as triggers, and two for what the spasms did (this period and the one before).
    # Report version 2: the medicine list (one query, two once a medicine is on it), the last
    # botulinum toxin injection (one) with the days around it (aggregates.daily's three), and
    # the clinic's records on the person's own report (the Ashworth visit days, their ratings
    # once there is a visit, the review notes and their count). What was tried: the closed
    # past's whole months from their rows (trends.MonthTried, written on this first view),
    # the uses of the days around them by day (the spasms' and the pain entries'), kept under
    # the past version after, and the items' names. The closed past's whole months of the
    # year and the one before: read from their rows, written on this first view with their
    # hours (trends.month_days).
    assert month <= 43


# The charts ----------------------------------------------------------------------------------


def test_it_draws_accessible_svg_charts_with_the_events(alice, frozen):
    fill_days(alice, TODAY, 30)
    event(alice, TODAY - timedelta(days=3), kind="medicine-change", details='Baclofen <"20 mg">')
    report = build_report(alice, LAST_30)
    pain_svg = str(charts.pain_chart(report.by_day, report.events))
    assert pain_svg.startswith("<svg ")
    assert 'role="img"' in pain_svg
    assert 'aria-labelledby="pain-chart-title pain-chart-desc"' in pain_svg
    assert '<title id="pain-chart-title">Leg pain, 19 Feb 2026 to 20 Mar 2026</title>' in pain_svg
    desc = re.search(r'<desc id="pain-chart-desc">(.*?)</desc>', pain_svg).group(1)
    assert desc.startswith(
        "Average leg pain 3.0 out of 10 over 30 days with a rating; the worst was 6 out of 10, "
        "on 19 Feb 2026."
    )
    assert (
        "2, Changed a medicine&#x27;s dose, 17 Mar 2026 (Baclofen &lt;&quot;20 mg&quot;&gt;)"
        in desc
    )
    assert pain_svg.count('class="event-marker"') == 2
    assert "Baclofen <" not in pain_svg
    # The 0-10 scale, and lines that differ by dash as well as colour.
    for value in range(0, 11, 2):
        assert f'text-anchor="end">{value}</text>' in pain_svg
    assert 'stroke-dasharray="6 3"' in pain_svg
    assert " style=" not in pain_svg
    assert "<script" not in pain_svg

    spasm_svg = str(charts.spasm_chart(report.by_day, report.events))
    assert 'role="img"' in spasm_svg
    assert "60 spasms logged over 30 days with a record: 2.0 a day, 1.0 of them at night" in (
        spasm_svg
    )
    assert 'fill="url(#spasm-chart-night)"' in spasm_svg
    assert spasm_svg.count('class="event-marker"') == 2


def test_it_draws_a_long_period_week_by_week(alice, frozen):
    fill_days(alice, TODAY, 200)
    period = Period(TODAY - timedelta(days=199), TODAY)
    report = build_report(alice, period)
    svg = str(charts.spasm_chart(report.by_day, report.events))
    assert "Drawn as weekly means per day." in svg
    assert svg.count("<rect") < 100  # 29 weeks, two bars each, and the legend


def test_it_draws_an_empty_diary_without_failing(alice, frozen):
    report = build_report(alice, LAST_30)
    assert "No leg pain was recorded" in charts.pain_chart(report.by_day, report.events)
    assert "No spasms were logged" in charts.spasm_chart(report.by_day, report.events)


# The page ------------------------------------------------------------------------------------


def test_it_shows_the_report_page(alice, alice_client, frozen):
    fill_days(alice, TODAY, 30)
    response = alice_client.get(reverse("reports:report"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = response.text
    assert "<h1>Spasm and leg pain report</h1>" in text
    assert "<dt>Name</dt><dd>Alice</dd>" in text
    assert "<dt>Injury level</dt><dd>C6</dd>" in text
    assert "<dt>AIS grade</dt><dd>AIS B: some feeling below the injury, no movement</dd>" in text
    assert "19 Feb 2026 to 20 Mar 2026 (30 days)" in text
    assert "<dt>Compared with</dt><dd>20 Jan 2026 to 18 Feb 2026</dd>" in text
    assert "<dt>Days with a record</dt><dd>30 of 30 (before: 0)</dd>" in text
    assert "<dt>Daily check-ins</dt><dd>30 (before: 0)</dd>" in text
    assert text.count('role="img"') == 2
    assert "<strong>5 Mar 2026</strong>: Botulinum toxin injection" in text
    assert '<th scope="row">Cold</th>' in text
    assert '<th scope="row">Heat</th>' in text
    assert "use your browser's Print command" in text
    assert 'href="/report/pdf/?from=2026-02-19&amp;to=2026-03-20"' in text
    assert 'href="/trends/?range=custom&amp;from=2026-02-19&amp;to=2026-03-20"' in text
    assert 'href="/static/css/report.css"' in text
    assert " style=" not in text
    assert "<style" not in text


def test_it_keeps_the_chosen_dates(alice_client, frozen):
    text = alice_client.get(
        reverse("reports:report"), {"from": "2026-01-01", "to": "2026-01-31"}
    ).text
    assert "1 Jan 2026 to 31 Jan 2026 (31 days)" in text
    assert "<dd>1 Dec 2025 to 31 Dec 2025</dd>" in text
    assert 'href="/report/pdf/?from=2026-01-01&amp;to=2026-01-31"' in text
    assert "(90 days)" in alice_client.get(reverse("reports:report"), {"range": "90d"}).text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-03-10", "to": "2026-03-01"}, "The last day must be on or after the first"),
        ({"from": "yesterday", "to": "2026-03-01"}, "Enter a valid date."),
        ({"from": "2024-01-01", "to": "2026-03-01"}, "Choose a range of a year or less"),
        ({"range": "all"}, "Select a valid choice."),
    ],
)
def test_it_explains_bad_dates_and_shows_the_last_30_days(alice_client, frozen, query, message):
    response = alice_client.get(reverse("reports:report"), query)
    assert response.status_code == 200
    assert message in response.text
    assert "Showing the last 30 days instead." in response.text
    assert "19 Feb 2026 to 20 Mar 2026 (30 days)" in response.text


def test_it_sends_a_visitor_to_sign_in(client, db):
    for name in ("reports:report", "reports:pdf"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("query", "shown_days", "expected"),
    [
        ({"range": "30d"}, (date(2026, 3, 11), None), (date(2026, 3, 11), TODAY)),
        (
            {"range": "30d"},
            (date(2026, 1, 1), date(2026, 1, 31)),
            (date(2026, 1, 2), date(2026, 1, 31)),
        ),
        (
            {"from": "2025-01-01", "to": "2025-01-10"},
            (date(2026, 3, 1), None),
            (date(2026, 3, 1), date(2026, 3, 10)),
        ),
        ({"range": "30d"}, (None, None), (LAST_30.start, LAST_30.end)),
    ],
)
def test_it_keeps_the_dates_inside_the_days_a_view_may_show(
    alice, rf, frozen, query, shown_days, expected
):
    _, period = views.chosen_period(rf.get("/", query), alice, Window(*shown_days))
    assert (period.start, period.end) == expected


def test_it_compares_only_with_days_a_limited_view_may_show(alice, rf, frozen):
    """A share link that shows days from 11 March: the period before them stays unread."""
    fill_days(alice, TODAY, 60)
    request = rf.get("/shared/abc/report/", {"range": "30d"})
    request.user = alice
    links = ReportLinks(page="/shared/abc/report/", pdf="/shared/abc/report/pdf/")
    first = date(2026, 3, 11)
    text = views.report_page(request, alice, links=links, window=Window(first)).content.decode()
    assert "11 Mar 2026 to 20 Mar 2026 (10 days)" in text
    assert "This view shows only the days from 11 Mar 2026" in text
    row = re.search(r"Average leg pain.*?</tr>", text, re.S).group(0)
    assert '<span class="no-data">no data</span>' in row  # 1 to 10 March are not shown
    assert 'href="/shared/abc/report/pdf/?from=2026-03-11&amp;to=2026-03-20"' in text
    assert 'href="/shared/abc/report/?range=90d"' in text
    assert "trends pages" not in text  # no trends link was given
    report = build_report(alice, Period(first, TODAY), window=Window(first))
    assert report.previous_days_recorded == 0
    assert build_report(alice, Period(first, TODAY)).previous_days_recorded == 10


# The PDF -------------------------------------------------------------------------------------


@pytest.fixture
def weasyprint():
    """WeasyPrint with Pango, or a skip that says why (a failure when REQUIRE_BROWSER=1, as CI
    sets it)."""
    try:
        return pdf.weasyprint()
    except pdf.PdfUnavailable as problem:
        reason = (
            f"WeasyPrint cannot load ({problem}): install Pango "
            "(apt-get install libpango-1.0-0 libpangoft2-1.0-0) to test the PDF"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


def pdf_page_count(data):
    """Pages in a PDF, found by reading it: page objects, in plain or compressed streams."""
    chunks = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", chunk)) for chunk in chunks)


def dense_diary(person, last, days, seed=7):
    """A busy diary: a full check-in every day, 6 to 12 spasms and 2 bouts of pain a day, five
    triggers, seven interventions, an event every 10 days, red flags and long flagged notes."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, the same every run
    triggers = [
        builtin(Trigger, slug)
        for slug in ("cold", "full-bladder", "stress", "fatigue", "skin-irritation", "uti")
    ]
    tried = [
        builtin(Intervention, slug)
        for slug in (
            "stretching",
            "heat",
            "massage",
            "baclofen",
            "rest",
            "gabapentin",
            "standing-frame",
            "painkiller",
        )
    ]
    kinds = ["medicine-change", "pump-dose", "therapy-start", "brace", "botox"]
    check_ins, spasms, pains = [], [], []
    for n in range(days):
        day = last - timedelta(days=n)
        worst = rng.randint(4, 9)
        check_ins.append(
            CheckIn(
                owner=person,
                logged_by=person,
                date=day,
                psfs_frequency=rng.randint(1, 4),
                psfs_severity=rng.randint(1, 3),
                spasticity=rng.randint(2, 9),
                pain_worst=worst,
                pain_average=rng.randint(1, worst),
                interference_activities=rng.randint(0, 10),
                interference_mood=rng.randint(0, 10),
                interference_sleep=rng.randint(0, 10),
                night_wakings=rng.randint(0, 4),
                note=f"Check-in note for day {n}, " + "a long and detailed account " * 15,
                note_for_clinician=n % 9 == 0,
            )
        )
        for _ in range(rng.randint(6, 12)):
            spasms.append(
                SpasmEpisode(
                    owner=person,
                    logged_by=person,
                    occurred_at=at(day, rng.randint(0, 23), rng.randint(0, 59), zone=person.zone),
                    severity=rng.randint(1, 3),
                    red_flags=["fever"] if rng.random() < 0.02 else [],
                    note="Spasm note " * 40 if rng.random() < 0.05 else "",
                    note_for_clinician=rng.random() < 0.5,
                )
            )
        for hour in (9, 19):
            pains.append(
                LegPainEntry(
                    owner=person,
                    logged_by=person,
                    occurred_at=at(day, hour, zone=person.zone),
                    intensity=rng.randint(2, 9),
                    red_flags=["leg-swollen"] if rng.random() < 0.02 else [],
                )
            )
        if n % 10 == 5:
            TreatmentEvent.objects.create(
                owner=person,
                logged_by=person,
                date=day,
                event_kind=kinds[n // 10 % len(kinds)],
                details="Both calves and hamstrings, 300 units, review in 12 weeks",
                note="Event note " * 30,
                note_for_clinician=True,
            )
    CheckIn.objects.bulk_create(check_ins)
    spasms = SpasmEpisode.objects.bulk_create(spasms)
    pains = LegPainEntry.objects.bulk_create(pains)
    links, uses = [], []
    for entry in spasms:
        for trigger in rng.sample(triggers, rng.randint(0, 2)):
            links.append(SpasmEpisode.triggers.through(spasmepisode=entry, trigger=trigger))
        for item in rng.sample(tried, rng.randint(0, 2)):
            effect = rng.choice(["helped-a-lot", "helped-a-little", "no-change", "worse"])
            uses.append(InterventionUse(intervention=item, spasm=entry, effect=effect))
    for entry in pains:
        for item in rng.sample(tried, 1):
            uses.append(InterventionUse(intervention=item, pain=entry, effect="not-sure"))
    SpasmEpisode.triggers.through.objects.bulk_create(links)
    InterventionUse.objects.bulk_create(uses)
    day_figures.rebuild(person.pk)  # bulk_create skips the saves that count the days


def report_html(person, period):
    context = report_context(person, period, OWN_LINKS, clinic=True)
    return render_to_string("reports/report_pdf.html", context)


def everything_the_report_lists(person, days, last=TODAY):
    """A dense diary, as a full report: on top of dense_diary's busy days, AD episodes, three
    pain problems with confirmed types and their own pain, four medicines with their doses, a
    botulinum toxin injection 20 days before the end, the bladder, bowel and skin programme,
    weekly SCI-SET answers, spasms that fell or helped, Ashworth visits and review notes, up to
    `last`."""
    first = last - timedelta(days=days * 2 - 1)
    dense_diary(person, last, days * 2)  # the previous period is dense too
    for n in range(8):  # more autonomic dysreflexia episodes than the report lists
        start = at(last - timedelta(days=3 * n), 10, zone=person.zone)
        readings = [
            (start + timedelta(minutes=4 * k), 190 - 15 * k, 110 - 8 * k, 50) for k in range(4)
        ]
        ad_episode(person, readings, occurred_at=start, causes=["bladder", "clothing"])
    doctor = make_user("okafor", is_clinician=True)
    for slot, name, kind in (
        (1, "Burning in both feet, worse at night", "neuropathic-below"),
        (2, "Aching right hip after transfers", "musculoskeletal"),
        (3, "Band of pain around the chest", "neuropathic-at"),
    ):
        problem = PainProblem.objects.create(owner=person, slot=slot, name=name)
        problem.confirm_type(kind, doctor)
        pain(person, problem=problem, pain_type="unknown", occurred_at=at(last, 8))
        for n in range(1, days, 3):  # pain of its own every third day
            pain(
                person,
                problem=problem,
                intensity=slot + 2,
                occurred_at=at(last - timedelta(days=n), 13),
            )
    regimens = (
        ("Baclofen", "mg", "spasms", Decimal(20), ["08:00", "14:00", "20:00"]),
        ("Gabapentin", "mg", "nerve-pain", Decimal(300), ["08:00", "20:00"]),
        ("Oxybutynin", "mg", "bladder", Decimal(5), ["08:00"]),
        ("Paracetamol", "mg", "pain", Decimal(1000), []),
    )
    doses = []
    for name, unit, reason, amount, times in regimens:
        taken = start_medicine(
            person,
            person,
            name=name,
            unit=unit,
            route="mouth",
            reason=reason,
            dose=amount,
            times=times,
            day=first,
        )
        for n in range(days):
            day = last - timedelta(days=n)
            for k, due in enumerate(times or ["12:00"]):
                hour, minute = map(int, due.split(":"))
                moment = at(day, hour, minute, zone=person.zone)
                scheduled = moment if times else None
                missed = times and (n + k) % 11 == 0
                doses.append(
                    MedicineDose(
                        owner=person,
                        logged_by=person,
                        medicine=taken,
                        scheduled_for=scheduled,
                        occurred_at=moment,
                        status="missed" if missed else "taken",
                    )
                )
    MedicineDose.objects.bulk_create(doses)
    event(person, last - timedelta(days=20), kind="botox", details="Both calves, 200 units")
    cares = []
    for n in range(days):
        moment = at(last - timedelta(days=n), 7, zone=person.zone)
        for kind in ["catheter"] * 4 + ["skin-check"] + (["bowel-routine"] if n % 2 else []):
            cares.append(CareEvent(owner=person, logged_by=person, occurred_at=moment, event=kind))
    CareEvent.objects.bulk_create(cares)
    care(person, "skin-problem", occurred_at=at(last - timedelta(days=12), 8), site="sacrum")
    for n in range(0, days, 7):
        sciset_week(person, last - timedelta(days=n), {1: -2, 2: 1, 3: -1, 7: 2})
    spasm(person, occurred_at=at(last - timedelta(days=2), 15), impacts=["fall", "helped-standing"])
    for visit in (
        last - timedelta(days=200),
        last - timedelta(days=100),
        last - timedelta(days=10),
    ):
        for group in ("hip-adductors", "knee-extensors", "knee-flexors", "ankle-plantarflexors"):
            for side in ("left", "right"):
                VisitMeasure.objects.create(
                    person=person,
                    author=doctor,
                    author_name="Dr Okafor",
                    visit_date=visit,
                    muscle_group=group,
                    side=side,
                    score="1+",
                )
    for n, text in enumerate(("Started stretching programme.", "Review baclofen in 3 months.")):
        ReviewNote.objects.create(
            person=person,
            author=doctor,
            author_name="Dr Okafor",
            text=" ".join([text] * 6),
            written_at=at(last - timedelta(days=40 - 30 * n), 11, zone=person.zone),
        )
    ReviewNote.objects.create(
        person=person,
        author=doctor,
        author_name="Dr Okafor",
        text="First visit.",
        written_at=at(last - timedelta(days=300), 11, zone=person.zone),
    )


# report.css sets the page to A4, so a browser printing on Letter paper scales the same two pages
# to fit: one paper size to lay out, and to test.
@pytest.mark.parametrize("days", [30, 90])
def test_it_fits_a_dense_report_on_two_pages(alice, frozen, weasyprint, days):
    everything_the_report_lists(alice, days)
    period = Period(TODAY - timedelta(days=days - 1), TODAY)
    report = build_report(alice, period, clinic=True)
    assert report.ad_episodes_left_out
    assert len(report.pain_types) == 3
    assert report.strip_recorded
    assert report.red_flags
    assert report.notes_left_out
    assert report.triggers_left_out
    assert report.interventions_left_out
    assert len(report.events) >= 3
    logged = len(range(1, days, 3))  # each problem's own pain, 4 for the hip, and one 5 today
    assert report.injection.found.event.date == TODAY - timedelta(days=20)
    assert len(report.medicines) == 4
    assert len(report.clinic.notes) == 2
    html = report_html(alice, period)
    text = text_of(html)
    assert html.count("Confirmed by Okafor") == 3
    for shown in (
        "Spasticity (0-10)",  # the check-in strip: the 0-10 rating and night wakings
        "Night wakings",
        "falls or near-falls 1 (0), failed transfers 0 (0), woke the person 0 (0); "
        "helped a stand or a transfer 1 (0)",
        "Penn spasm frequency, median",
        "less than meaningful",  # the pain headlines' size against IMMPACT's
        # One row per pain problem: mean, highest, entries, then the kind of pain.
        f"Aching right hip after transfers {(4 * logged + 5) / (logged + 1):.1f} 5 {logged + 1} "
        "Their guess: Not sure",
        "Baclofen 20 mg, 08:00, 14:00, 20:00; since",
        "for spasms and stiffness",
        "Paracetamol 1000 mg, as needed",
        "scheduled doses taken",
        "as-needed doses",
        f"Injection on {TODAY - timedelta(days=20):%-d %b %Y}: 4 weeks before against weeks 2",
        "Modified Ashworth, rated by Dr Okafor at 3 visits",
        "Knee extensors, left",
        "Review note, Dr Okafor, 10 Mar 2026 : Review baclofen in 3 months.",
        "And 1 earlier review note.",
        "possible infection",  # a red flag, labelled for what it may mean
        "190/110",  # an autonomic dysreflexia episode's highest reading
        "Weekly spasticity questions (SCI-SET)",
        "Bladder, bowel and skin",
        "Notes for the clinician",
    ):
        assert shown in text, shown
    document = weasyprint.HTML(
        string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.fetcher_class(weasyprint)()
    ).render()
    assert len(document.pages) == 2


def test_it_downloads_the_report_as_a_pdf(alice, alice_client, frozen, weasyprint):
    dense_diary(alice, TODAY, 60)
    response = alice_client.get(reverse("reports:pdf"), {"from": "2026-02-19", "to": "2026-03-20"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="sci-tracker-report-2026-02-19-to-2026-03-20.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    assert pdf_page_count(response.content) == 2


def test_it_sends_bad_dates_for_the_pdf_back_to_the_page(alice_client, frozen):
    response = alice_client.get(reverse("reports:pdf"), {"from": "2026-03-10", "to": "2026-03-01"})
    assert response.status_code == 302
    assert response["Location"] == "/report/?from=2026-03-10&to=2026-03-01"


def test_it_says_to_print_from_the_browser_when_the_server_cannot_make_pdfs(
    alice_client, frozen, monkeypatch
):
    monkeypatch.setattr(pdf, "_load", lambda: (None, "OSError: cannot load library 'pango'"))
    response = alice_client.get(reverse("reports:pdf"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "This server cannot make PDF files at the moment." in response.text
    assert "Choose <strong>Save as PDF</strong>" in response.text
    assert 'href="/report/?"' in response.text


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/report.css",
        "http://sci-tracker.invalid/static/css/report.css",
        "https://sci-tracker.invalid/static/../sci_tracker/settings.py",
        "https://sci-tracker.invalid/static/%2e%2e/sci_tracker/settings.py",
        "https://sci-tracker.invalid/media/photo.png",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ],
)
def test_it_lets_weasyprint_fetch_nothing_but_our_static_files(url, weasyprint):
    fetcher = pdf.fetcher_class(weasyprint)()
    with pytest.raises(ValueError, match="may only load its own static files"):
        fetcher.fetch(url)
    served = fetcher.fetch("https://sci-tracker.invalid/static/css/report.css")
    assert served.content_type == "text/css"
    assert b"@page" in served.read()


# The check-in's spasticity rating and night wakings -------------------------------------------


def test_it_compares_the_spasticity_rating_and_night_wakings(alice, alice_client, frozen):
    for n in range(60):
        day = TODAY - timedelta(days=n)
        if n < 30:  # this period: rated 3, woken once on every third night
            checkin(alice, day, spasticity=3, night_wakings=1 if n % 3 == 0 else 0)
        elif n < 50:  # the previous one: 20 check-ins, rated 6, woken twice every night
            checkin(alice, day, spasticity=6, night_wakings=2)
    report = build_report(alice, LAST_30)
    rating = headline(report, "Spasticity rating")
    assert figures(rating) == (3, 30, 6, 20)
    assert (rating.change, rating.this_count) == (-3, "30 check-ins")
    assert figures(headline(report, "Night wakings per night")) == (10 / 30, 30, 2, 20)
    woken = headline(report, "Nights woken by spasms or pain")
    assert figures(woken) == (100 * 10 / 30, 30, 100, 20)

    text = alice_client.get(reverse("reports:report")).text
    row = re.search(r"Spasticity rating.*?</tr>", text, re.S).group(0)
    assert '<span class="figure">3.0</span> <span class="days">30 check-ins</span>' in row
    assert '<td class="change">\N{MINUS SIGN}3.0</td>' in row
    row = re.search(r"Nights woken by spasms or pain.*?</tr>", text, re.S).group(0)
    assert '<span class="scale">(% of nights)</span>' in row
    assert '<span class="figure">33.3</span>' in row


def test_it_shows_the_spasticity_rating_and_night_wakings_day_by_day(alice, frozen):
    checkin(alice, date(2026, 2, 28), spasticity=7, night_wakings=3)
    checkin(alice, date(2026, 3, 1), spasticity=4)  # no answer about the night
    report = build_report(alice, LAST_30)
    assert report.strip_days == 1
    assert len(report.strip) == 30
    # The month is named on the first column and on the first of a month.
    assert [column.label for column in report.strip[8:12]] == ["27", "28", "1 Mar", "2"]
    assert report.strip[0].label == "19 Feb"
    assert [(c.spasticity, c.night_wakings) for c in report.strip[9:12]] == [
        (7, 3),
        (4, None),
        (None, None),
    ]
    html = report_html(alice, LAST_30)  # what the PDF is made from
    strip = re.search(r'<table class="report-table report-strip">.*?</table>', html, re.S).group(0)
    assert "day by day" in strip
    assert '<th scope="col">1 Mar</th>' in strip
    assert re.search(
        r"Spasticity \(0-10\)</th>(<td>[^<]*</td>){9}<td>7</td><td>4</td><td>–</td>", strip
    )
    assert re.search(r"Night wakings</th>(<td>[^<]*</td>){9}<td>3</td><td>–</td>", strip)


def test_it_gives_the_spasticity_rating_and_wakings_as_weekly_means_for_90_days(alice, frozen):
    period = Period(TODAY - timedelta(days=89), TODAY)
    for n in range(7):
        checkin(alice, period.start + timedelta(days=n), spasticity=n, night_wakings=n % 2)
    report = build_report(alice, period)
    assert (report.strip_days, len(report.strip)) == (7, 13)
    first = report.strip[0]
    assert (first.label, first.spasticity, first.night_wakings) == ("21 Dec", 3, 3 / 7)
    html = report_html(alice, period)
    assert "means of 7 days from the date shown" in html
    assert '<th scope="col">From</th>' in html


def test_it_says_when_no_check_in_rated_spasticity_or_wakings(alice, alice_client, frozen):
    fill_days(alice, TODAY, 5)  # check-ins without either answer
    report = build_report(alice, LAST_30)
    assert not report.strip_recorded
    assert figures(headline(report, "Spasticity rating")) == (None, 0, None, 0)
    text = alice_client.get(reverse("reports:report")).text
    assert "No check-in in this period gave a spasticity rating or counted night wakings." in text
    assert "report-strip" not in text


def test_it_gives_every_colour_of_the_charts_a_dark_one_on_screen():
    """The charts' colours are SVG attributes; report.css gives each its dark colour (a CSS
    rule outranks an attribute). The light blue of the bars reads on both and stays."""
    source = Path(charts.__file__).read_text()
    colours = set(re.findall(r'"(#[0-9a-f]{6})"', source)) - {charts.BAR}
    assert {charts.INK, charts.EVENT, "#ffffff"} <= colours
    css = (settings.BASE_DIR / "static" / "css" / "report.css").read_text()
    dark = css[css.index("@media screen {") : css.index("/* ---- Print, and the PDF ---- */")]
    for colour in sorted(colours):
        for attribute in ("fill", "stroke"):
            assert f'[data-bs-theme="dark"] .report-svg [{attribute}="{colour}"]' in dark
    # Paper and the PDF keep the light colours: the dark ones are for the screen only.
    assert "@media print" not in dark


def test_it_gives_the_penn_answers_median_and_says_when_a_pain_change_matters(
    alice, alice_client, frozen
):
    # The period before: average pain 5, Penn frequency 1, 1, 4 (a mean of 2, a median of 1).
    for n, frequency in enumerate([1, 1, 4]):
        day = LAST_30.start - timedelta(days=n + 1)
        checkin(alice, day, psfs_frequency=frequency, psfs_severity=1, pain_average=5)
    # This period: average pain 3.5 (1.5 points, 30% less), worst 4 against none before, Penn
    # 2, 3, 3, 4 (a median of 3: the lower middle answer).
    for n, frequency in enumerate([2, 3, 3, 4]):
        checkin(
            alice,
            LAST_30.end - timedelta(days=n),
            psfs_frequency=frequency,
            psfs_severity=2,
            pain_average=3 + n % 2,
            pain_worst=4,
        )
    report = build_report(alice, LAST_30)

    penn = headline(report, "Penn spasm frequency, median")
    assert (penn.this, penn.previous, penn.change) == (3, 1, 2)
    assert penn.important is None  # no size is published for the Penn scale
    pain = headline(report, "Average leg pain")
    assert (pain.this, pain.previous) == (3.5, 5)
    assert pain.important is True  # 30% less, though under 2 points
    assert headline(report, "Worst leg pain, mean of each day's worst").important is None

    page = text_of(alice_client.get(reverse("reports:report")).text)
    assert "\N{MINUS SIGN}1.5 meaningful" in page
    assert "+2.0 meaningful" not in page  # the Penn change: a number, nothing of its size
    assert "+2.0 less than" not in page
    assert "Penn spasm frequency, median (0-4) 3 4 check-ins 1 3 check-ins +2.0" in page


def test_it_says_what_each_red_flag_may_mean_for_this_person(alice, bob, frozen):
    day = LAST_30.end
    spasm(alice, occurred_at=at(day, 9), red_flags=["ad-signs", "leg-swollen"])
    pain(alice, occurred_at=at(day, 10), red_flags=["fever"])
    spasm(bob, occurred_at=at(day, 9, zone=bob.zone), red_flags=["ad-signs"])

    shown = [(row.symptom, row.may_mean) for row in build_report(alice, LAST_30).red_flags]
    assert shown == [
        (
            "Pounding headache, flushing or sweating above the injury",
            "possible autonomic dysreflexia",
        ),
        ("One leg swollen, red or warm", "possible deep vein thrombosis"),
        ("Fever or chills", "possible infection"),
    ]
    # Below T6 the same symptom is not named autonomic dysreflexia.
    [row] = build_report(bob, LAST_30).red_flags
    assert row.may_mean == ""


def test_it_counts_falls_failed_transfers_and_spasms_that_helped(alice, alice_client, frozen):
    day = LAST_30.end
    spasm(alice, occurred_at=at(day, 9), impacts=["fall", "woke-me"])
    spasm(alice, occurred_at=at(day, 10), impacts=["fall"])
    spasm(alice, occurred_at=at(day, 11), impacts=["helped-standing"])
    spasm(alice, occurred_at=at(day, 12), impacts=["helped-transfer", "failed-transfer"])
    spasm(alice, occurred_at=at(day, 13), impacts=["fall"]).move_to_bin()
    spasm(alice, occurred_at=at(LAST_30.start - timedelta(days=3), 9), impacts=["fall"])

    report = build_report(alice, LAST_30)

    assert (report.impacts.falls, report.impacts.failed_transfers) == (2, 1)
    assert (report.impacts.woke, report.impacts.helped) == (1, 2)
    assert report.previous_impacts.falls == 1
    page = text_of(alice_client.get(reverse("reports:report")).text)
    assert (
        "falls or near-falls 2 (1), failed transfers 1 (0), woke the person 1 (0); helped a "
        "stand or a transfer 2 (0)." in page
    )


# Report version 2: pain per problem, medicines, the last injection, the clinic's records -------


def test_it_gives_each_pain_problems_own_pain_in_the_period(alice, alice_client, frozen):
    feet = PainProblem.objects.create(owner=alice, slot=1, name="Burning feet")
    PainProblem.objects.create(owner=alice, slot=2, name="Sore shoulder")
    for day, intensity in ((1, 4), (2, 7), (3, 6)):
        pain(alice, problem=feet, intensity=intensity, occurred_at=at(TODAY - timedelta(day), 9))
    pain(alice, problem=feet, intensity=10, occurred_at=at(TODAY - timedelta(days=40), 9))  # before
    binned = pain(alice, problem=feet, intensity=9, occurred_at=at(TODAY, 9))
    binned.deleted_at = FROZEN
    binned.save()
    pain(alice, intensity=8, occurred_at=at(TODAY, 10))  # no problem named
    report = build_report(alice, LAST_30)
    assert [(row.problem.name, row.entries, row.mean, row.worst) for row in report.pain_types] == [
        ("Burning feet", 3, pytest.approx(17 / 3), 7),
        ("Sore shoulder", 0, None, None),
    ]
    text = text_of(alice_client.get(reverse("reports:report")).text)
    assert "Burning feet 5.7 7 3" in text
    assert "Sore shoulder none logged" in text


def test_it_lists_the_medicines_at_the_periods_end_with_how_they_were_taken(
    alice, alice_client, frozen
):
    def start(name, reason, amount, times, day):
        return start_medicine(
            alice, alice, name=name, unit="mg", route="mouth", reason=reason,
            dose=Decimal(amount), times=times, day=day,
        )  # fmt: skip

    baclofen = start("Baclofen", "spasms", 10, ["08:00", "20:00"], date(2026, 1, 5))
    change_medicine(
        baclofen, alice, dose=Decimal(15), times=["08:00", "20:00"], day=TODAY - timedelta(days=9)
    )
    for n, status in enumerate(["taken", "taken", "missed"]):
        moment = at(TODAY - timedelta(days=n), 8)
        MedicineDose.objects.create(
            owner=alice, logged_by=alice, medicine=baclofen, scheduled_for=moment,
            occurred_at=moment, status=status,
        )  # fmt: skip
    start("Paracetamol", "pain", 500, [], date(2026, 2, 1))
    tizanidine = start("Tizanidine", "spasms", 2, ["08:00"], date(2026, 1, 5))
    MedicineDose.objects.create(
        owner=alice, logged_by=alice, medicine=tizanidine, occurred_at=at(date(2026, 3, 1), 8),
        scheduled_for=at(date(2026, 3, 1), 8), status="taken",
    )  # fmt: skip
    stop_medicine(tizanidine, alice, day=date(2026, 3, 2))
    stop_medicine(
        start("Diazepam", "spasms", 2, ["22:00"], date(2026, 1, 5)), alice, day=date(2026, 1, 9)
    )
    start("Oxybutynin", "bladder", 5, ["08:00"], TODAY + timedelta(days=3))  # not yet
    report = build_report(alice, LAST_30)
    assert [
        (line.name, line.current, line.dose, line.times, line.since) for line in report.medicines
    ] == [
        ("Baclofen", True, "15 mg", "08:00, 20:00", TODAY - timedelta(days=9)),
        ("Paracetamol", True, "500 mg", "as needed", date(2026, 2, 1)),
        ("Tizanidine", False, "", "", None),
    ]
    text = text_of(alice_client.get(reverse("reports:report")).text)
    assert (
        "Baclofen 15 mg, 08:00, 20:00; since 11 Mar 2026, for spasms and stiffness. "
        "2 of 3 scheduled doses taken (0 late, 1 missed)." in text
    )
    assert (
        "Paracetamol 500 mg, as needed; since 1 Feb 2026, for other pain. No doses logged" in text
    )
    assert "Tizanidine (not current at the period's end). 1 of 1 scheduled dose taken" in text
    assert "Diazepam" not in text
    assert "Oxybutynin" not in text


def test_it_compares_before_and_after_the_last_injection_by_the_periods_end(alice, frozen):
    injected = TODAY - timedelta(days=20)
    for n in range(50):
        day = TODAY - timedelta(days=n)
        checkin(alice, day, pain_average=6 if day < injected else 3, pain_worst=7)
    event(alice, injected - timedelta(days=120), kind="botox")  # an earlier one
    event(alice, injected, kind="botox", details="Calves")
    event(alice, TODAY - timedelta(days=2), kind="medicine-change")
    period = Period(TODAY - timedelta(days=39), TODAY - timedelta(days=10))
    report = build_report(alice, period)
    item = report.injection.found
    [same] = aggregates.before_and_after(alice, [item.event], TODAY)
    assert (item.event.date, item.measures) == (injected, same.measures)
    pain_average, pain_worst = report.injection.measures[:2]
    assert (pain_average.comparison.difference, pain_average.important) == (-3, True)
    assert (pain_worst.comparison.difference, pain_worst.important) == (0, False)
    assert report.injection.measures[2].important is None  # spasms: no size is published
    html = render_to_string("reports/report_pdf.html", report_context(alice, period, OWN_LINKS))
    assert "Injection on 28 Feb 2026: 4 weeks before against weeks 2 to 12 after" in text_of(html)
    assert "−3.0 meaningful" in text_of(html)
    # A period that ends before any injection shows none.
    assert build_report(alice, Period(date(2025, 9, 1), date(2025, 9, 30))).injection is None


def test_it_shows_ashworth_ratings_and_review_notes_to_the_person_and_clinicians_only(
    alice, alice_client, frozen
):
    doctor = make_user("okafor", is_clinician=True)
    helper = make_user("cara")
    for member, role in ((doctor, "clinician"), (helper, "carer")):
        CareAccess.objects.create(
            person=alice, email=member.email, role=role, member=member, accepted_at=FROZEN
        )
    VisitMeasure.objects.create(
        person=alice, author=doctor, author_name="Dr Okafor", visit_date=TODAY - timedelta(5),
        muscle_group="knee-flexors", side="left", score="2",
    )  # fmt: skip
    VisitMeasure.objects.create(
        person=alice, author=doctor, author_name="Dr Okafor", visit_date=TODAY + timedelta(0),
        muscle_group="hip-adductors", side="right", score="3",
    )  # fmt: skip
    for days_ago, text in ((3, "Keep stretching twice a day."), (1, "Written after the period.")):
        ReviewNote.objects.create(
            person=alice, author=doctor, author_name="Dr Okafor", text=text,
            written_at=at(TODAY - timedelta(days=days_ago), 10),
        )  # fmt: skip
    query = {"from": "2026-02-17", "to": "2026-03-18"}
    _, token = ShareLink.make(alice, 7)
    pages = {}
    for who, client, scope in (
        ("alice", alice_client, {}),
        ("doctor", signed_in(doctor), {"person_id": alice.pk}),
        ("carer", signed_in(helper), {"person_id": alice.pk}),
        ("link", Client(), {"token": token}),
    ):
        pages[who] = text_of(client.get(reverse("reports:report", kwargs=scope), query).text)
    for who in ("alice", "doctor"):
        assert "Review note, Dr Okafor, 17 Mar 2026 : Keep stretching twice a day." in pages[who]
        assert "Knee flexors, left 2" in pages[who]
        assert "Written after the period" not in pages[who]
        assert "Hip adductors" not in pages[who]  # rated after the period's end
    for who in ("carer", "link"):
        assert "From the care team" not in pages[who]
        assert "Keep stretching" not in pages[who]
        assert "Knee flexors" not in pages[who]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client
