import hashlib
import json
from datetime import timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from sci_tracker.core.dates import short_dates
from sci_tracker.diary.models import Effect
from sci_tracker.sharing.access import person_view, scope_kwargs
from sci_tracker.sharing.people import review_panel
from sci_tracker.trends import (
    ad_episodes,
    adherence,
    aggregates,
    by_the_hour,
    care_weeks,
    insights,
    months,
    sciset_weeks,
    summaries,
)
from sci_tracker.trends.aggregates import Period
from sci_tracker.trends.forms import RANGES, RangeForm
from sci_tracker.trends.templatetags.trends import figure_with
from sci_tracker.trends.templatetags.trends import heat as heat_class
from sci_tracker.trends.triggers import spasm_days, stats_from, trigger_sums
from sci_tracker.trends.window import EVERY_DAY, Window

CACHE_SECONDS = 6 * 60 * 60
# Longer ranges list weekly means, so a table stays readable; ranges over a year list monthly
# means (months.by_month, as their charts draw them): hundreds of weeks read as none.
DAILY_TABLE_DAYS = 92
HEAT_MAP_WEEKS = 53
# The SCI-SET table's latest weeks (its line draws them all): ten years of weekly answers would
# be a table of 522 rows.
SCISET_TABLE_WEEKS = 53
# The overview lists the latest AD episodes of a range: a shorter range lists the earlier ones.
AD_LISTED = 10

TRENDS_PAGES = [
    ("trends:overview", gettext_lazy("Overview")),
    ("trends:triggers", gettext_lazy("Triggers")),
    ("trends:interventions", gettext_lazy("What helped")),
]


def range_context(request, form, period):
    """What the range picker and the page tabs need: each link keeps the chosen range."""
    if form.chosen == "custom" and form.is_valid():
        query = {"range": "custom", "from": period.start, "to": period.end}
    else:
        query = {"range": form.chosen}
    here = request.resolver_match.view_name
    scope = scope_kwargs(request)
    first, last = request.access.shown_days
    return {
        "form": form,
        "period": period,
        "chosen": form.chosen,
        "ranges": [(key, label) for key, label, _days in RANGES if key != "custom"],
        "query": urlencode(query),
        "tabs": [
            (reverse(name, kwargs=scope), label, name == here) for name, label in TRENDS_PAGES
        ],
        "link_days": (first, last) if first or last else None,
    }


def cache_key(what, user, period, window=EVERY_DAY, version: int | None = None):
    """Figures for one version of the person's diary, in their zone, for these days, read
    through this window. Any change to the diary moves the version on, so a cached figure is
    never out of date. `version`: a version that moves on with fewer changes, for figures that
    depend on those alone (User.records_version); the diary version without one."""
    version = user.diary_version if version is None else version
    parts = [what, user.pk, version, user.time_zone, period.start, period.end]
    # trends-4: the overview keeps the days before the period, and its 7-day means when read.
    return "trends-4:" + ":".join(str(part) for part in [*parts, window.key()])


def json_key(person, period, window=EVERY_DAY) -> str:
    """The chart JSON's key: its labels (treatment events, clinic visits) are in the reader's
    language, so each language has its own copy."""
    return f"{cache_key('json', person, period, window)}:{get_language()}"


def cached_overview(user, period, window=EVERY_DAY):
    """The period's figures, shared by the page's HTML and its chart JSON for this version of
    the diary. A long range's are not stored whole: its closed past is kept apart
    (aggregates.daily), so the rest is read again for less than storing years of days cost
    (twenty years: about 7 ms to store, 1 ms to read again)."""
    if aggregates.overview_closed_part(user, period, window):
        return aggregates.overview(user, period, window)
    # Not cache.get_or_set: it reads the key again after writing it, one query more with the
    # database's cache on every first view.
    key = cache_key("overview", user, period, window)
    found = cache.get(key)
    if found is None:
        found = aggregates.overview(user, period, window)
        cache.set(key, found, CACHE_SECONDS)
    return found


def cached_body(
    request, what: str, period, window, parts: dict, version: int | None = None
) -> dict:
    """The page's figures drawn as HTML, each of `parts` ({name: (template, context maker)}),
    cached for this version of the diary (or `version`, see cache_key): a repeated view draws
    no table again.

    The key holds all a drawn part depends on besides the diary: who reads it and by which way
    in (the wording and links), the language, today (what is complete), and the account fields
    the parts show (the name, the injury level's warnings, the usual blood pressure)."""
    person, access = request.access.person, request.access
    reader = [
        access.is_own,
        sorted(scope_kwargs(request).items()),
        get_language(),
        person.local_today(),
        person.name,
        person.ad_risk,
        person.usual_systolic,
        person.usual_diastolic,
        request.GET.urlencode(),
    ]
    reader_key = hashlib.sha256(repr(reader).encode()).hexdigest()[:16]
    key = f"{cache_key(what, person, period, window, version)}:{reader_key}"
    found = cache.get(key)
    if found is None:
        found, context = {}, {}
        for name, (template, make) in parts.items():
            context = context or make()
            found[name] = str(render_to_string(template, context, request))
        cache.set(key, found, CACHE_SECONDS)
    return {name: mark_safe(html) for name, html in found.items()}  # noqa: S308 (drawn here)


def chosen_period(request, person):
    """The range form and the days it shows, inside the reader's window (see trends.window)."""
    form = RangeForm(request.GET or None, owner=person)
    window = Window.of(request.access)
    return form, window.place(form.period()), window


@person_view("read", page=gettext_noop("Trends: overview"))
def overview(request, person):
    form, period, window = chosen_period(request, person)
    data_query = urlencode({"from": period.start, "to": period.end})
    ranges = range_context(request, form, period)

    def figures():
        return {**ranges, **overview_figures(person, period, window)}

    context = {
        **ranges,
        "title": _("Trends")
        if request.access.is_own
        else _("%(name)s: trends") % {"name": person.name},
        "review": review_panel(person, request.access),
        "data_url": f"{reverse('trends:data', kwargs=scope_kwargs(request))}?{data_query}",
        "by_week": period.length > DAILY_TABLE_DAYS,
        "by_month": months.by_month(period),
        **cached_body(
            request,
            "overview-html",
            period,
            window,
            {
                "charts": ("trends/overview_charts.html", figures),
                "days": ("trends/overview_days.html", figures),
            },
        ),
        # Drawn from records that logging a spasm, leg pain or a check-in never changes: kept
        # under the records version, so such a log leaves them drawn.
        **cached_body(
            request,
            "overview-records",
            period,
            window,
            {"records": ("trends/overview_records.html", lambda: records_figures(person, period))},
            version=person.records_version,
        ),
    }
    return render(request, "trends/overview.html", context)


def overview_figures(person, period, window) -> dict:
    """What the overview's charts and tables draw (trends/overview_charts.html, _days.html): a
    range charted by month from its months (months.overview), the period lying inside the
    window; any other from its days."""
    by_month = months.by_month(period)
    if by_month:
        found = months.overview(person, period, heat_map_days(period))
        summed = found.summed
    else:
        found = cached_overview(person, period, window)
        summed = aggregates.Summed.of(found.by_day)
    spasticity = summed.rating("spasticity")
    wakings = summed.wakings()
    return {
        "found": found,
        "summaries": {
            "pain": summaries.pain(summed),
            "spasms": summaries.spasms(summed),
            "interference": summaries.interference(summed),
            "hours": summaries.hours(found),
            "events": summaries.events(found),
            "spasticity": summaries.spasticity(spasticity),
            "night_wakings": summaries.night_wakings(wakings),
        },
        "spasticity": spasticity,
        "wakings": wakings,
        "table": table_rows(found),
        "by_week": period.length > DAILY_TABLE_DAYS,
        "by_month": by_month,
        "heat_map": heat_map(found),
        "heat_map_cut": period.length > HEAT_MAP_WEEKS * 7,
        "hour_rows": [
            (hour, count, hour in aggregates.NIGHT_HOURS)
            for hour, count in enumerate(found.by_hour)
        ],
    }


def records_figures(person, period: Period) -> dict:
    """What the overview's sections drawn from the other records show (see
    trends/overview_records.html): autonomic dysreflexia, SCI-SET, bladder, bowel and skin, and
    medicines."""
    by_month = months.by_month(period)
    return {
        "by_month": by_month,
        **ad_context(person, period),
        **sciset_context(person, period),
        "care_weeks": care_weeks.weeks_in(person, period, by_month=by_month),
        "adherence": adherence.adherence(person, period, by_month=by_month),
    }


def ad_context(person, period):
    """The latest autonomic dysreflexia episodes of the period (see trends/ad_episodes.html)."""
    episodes, left_out = ad_episodes.latest_in(person, period, AD_LISTED)
    return {
        "ad_episodes": episodes,
        "ad_left_out": left_out,
        "ad_count": len(episodes) + left_out,
        "ad_shown": ad_episodes.shown_for(person, episodes),
    }


def sciset_context(person, period):
    """The weekly SCI-SET scores of the period (see trends/sciset_weeks.html)."""
    weeks = sciset_weeks.weeks_in(person, period)
    width, height = sciset_weeks.WIDTH, sciset_weeks.HEIGHT
    return {
        "sciset_weeks": weeks[-SCISET_TABLE_WEEKS:],
        "sciset_weeks_left_out": max(len(weeks) - SCISET_TABLE_WEEKS, 0),
        "sciset_latest": sciset_weeks.latest(weeks),
        "sciset_points": sciset_weeks.line_points(weeks, period),
        "sciset_box": (width, height, height / 2),
    }


def table_rows(found):
    """The chart numbers as table rows: one per day, one per week for long ranges, one per
    month for ranges over a year."""
    by_day = found.by_day
    if found.period.length <= DAILY_TABLE_DAYS:
        columns = {
            "pain_average": by_day.pain_average,
            "pain_average_7d": found.rolling["pain_average"],
            "pain_worst": by_day.pain_worst,
            "spasms": by_day.spasms,
            "night_spasms": by_day.night_spasms,
            "spasms_7d": found.rolling["spasms"],
            "psfs_frequency": by_day.psfs_frequency,
            "psfs_severity": by_day.psfs_severity,
            "interference_activities": by_day.interference_activities,
            "interference_mood": by_day.interference_mood,
            "interference_sleep": by_day.interference_sleep,
            "spasticity": by_day.spasticity,
            "spasticity_7d": found.rolling["spasticity"],
            "night_wakings": by_day.night_wakings,
            "night_wakings_7d": found.rolling["night_wakings"],
        }
        rows = []
        dated = short_dates()
        for n, day in enumerate(by_day.days):
            row = {name: values[n] for name, values in columns.items()}
            row["problems"] = [problem.average[n] for problem in by_day.problems]
            rows.append({"label": dated(day), **row})
        return rows
    rows = []
    by_month = months.by_month(found.period)
    first_dated, last_dated = short_dates(year=False), short_dates()
    span = _("%(first)s to %(last)s")
    runs = (
        [(month.first, month.last, month.figures) for month in found.months]
        if by_month
        else aggregates.weekly(by_day)
    )
    for first, last, figures in runs:
        row = {name: figure[0] for name, figure in figures.items()}
        row["days"] = figures["pain_average"][1]
        row["spasticity_days"] = figures["spasticity"][1]
        row["night_wakings_days"] = figures["night_wakings"][1]
        label = span % {"first": first_dated(first), "last": last_dated(last)}
        rows.append({"label": label, **row})
    return rows


def heat_map_days(period: Period) -> Period:
    """The days of the calendar of worst pain: the period's last HEAT_MAP_WEEKS weeks, from the
    Monday of the first (or the period's first day, if later)."""
    first = max(period.start, period.end - timedelta(days=7 * HEAT_MAP_WEEKS - 1))
    return Period(max(period.start, first - timedelta(days=first.weekday())), period.end)


def heat_map(found):
    """The calendar of worst pain (heat_map_days): rows of 7 days from Monday; a cell is None for
    a day outside the period. `found.by_day` holds those days at least."""
    last = found.period.end
    monday = heat_map_days(found.period).start
    monday -= timedelta(days=monday.weekday())
    # The days run one after another from the period's first: only the calendar's are looked up
    # (ten years are 3,650 days, the calendar at most 371).
    every_day, values = found.by_day.days, found.by_day.pain_worst
    shown = max((monday - every_day[0]).days, 0) if every_day else 0
    worst = dict(zip(every_day[shown:], values[shown:], strict=True))
    # Looked up once for the calendar's hundreds of cells: the dates' language, the decimal mark.
    dated, week_dated = short_dates(), short_dates(two_digit_year=True)
    mark = get_format("DECIMAL_SEPARATOR")
    rows = []
    while monday <= last:
        days = [monday + timedelta(days=n) for n in range(7)]
        cells = [
            {
                "css": heat_class(worst[day]),
                "text": figure_with(worst[day], mark),
                "title": dated(day),
            }
            if day in worst
            else None
            for day in days
        ]
        rows.append({"label": week_dated(monday), "cells": cells})
        monday += timedelta(days=7)
    return rows


@person_view("read", page=gettext_noop("Trends: triggers"))
def triggers(request, person):
    form, period, window = chosen_period(request, person)
    ranges = range_context(request, form, period)

    def figures():
        # Sums, not days: years of them are two rows of running sums (trends.triggers). The
        # period lies inside the reader's window already.
        sums = trigger_sums(person, period)
        stats = stats_from(person, sums)
        return {
            **ranges,
            "triggers": stats,
            "insights": insights.standouts(stats),
            "min_days": aggregates.MIN_DAYS,
            "after_events": by_the_hour.by_the_hour(person, period, spasm_days(sums)),
            "min_events": by_the_hour.MIN_EVENTS,
            "min_usual_days": by_the_hour.MIN_USUAL_DAYS,
        }

    context = {
        **ranges,
        "title": _("Triggers"),
        **cached_body(
            request,
            "triggers-html",
            period,
            window,
            {"body": ("trends/triggers_body.html", figures)},
        ),
    }
    return render(request, "trends/triggers.html", context)


@person_view("read", page=gettext_noop("Trends: what helped"))
def interventions(request, person):
    form, period, window = chosen_period(request, person)
    ranges = range_context(request, form, period)

    def figures():
        events = aggregates.treatment_events(person, period)
        return {
            **ranges,
            "interventions": aggregates.intervention_stats(person, period),
            "before_after": aggregates.before_and_after(
                person,
                events,
                person.local_today(),
                window=window,
            ),
            "effects": Effect.choices,
            "min_days": aggregates.MIN_DAYS,
        }

    context = {
        **ranges,
        "title": _("What helped"),
        **cached_body(
            request,
            "interventions-html",
            period,
            window,
            {"body": ("trends/interventions_body.html", figures)},
        ),
    }
    return render(request, "trends/interventions.html", context)


def data_form(request, person):
    return data_range(request.GET, person)


def data_range(sent, person) -> RangeForm:
    """The JSON's range: ?from=YYYY-MM-DD&to=YYYY-MM-DD, or the last 30 days without either.
    `sent`: the query (the page's, or the API's: sci_tracker.api)."""
    if "from" in sent or "to" in sent:
        query = {"range": "custom", "from": sent.get("from"), "to": sent.get("to")}
    else:
        query = {"range": "30d"}
    return RangeForm(query, owner=person)


def data_period(request, person):
    return placed_period(data_form(request, person), request.access)


def placed_period(form: RangeForm, access) -> tuple[Period, Window]:
    """The form's days inside what this way in may see (a share link's days: trends.window)."""
    window = Window.of(access)
    return window.place(form.period()), window


def chart_json(person, period: Period, window: Window) -> str:
    """The JSON of data.json (and of the API's trends), cached for this version of the diary."""
    key = json_key(person, period, window)
    body = cache.get(key)
    if body is None:
        if months.by_month(period):  # the period lies inside the window: no day outside it
            chart = months.chart_data(person, period)
        else:
            chart = aggregates.chart_data(person, cached_overview(person, period, window))
        chart["ad_episodes"] = ad_episodes.as_json(person, ad_episodes.episodes_in(person, period))
        body = json.dumps(chart, cls=DjangoJSONEncoder)
        cache.set(key, body, CACHE_SECONDS)
    return body


def data_etag(request, person):
    if data_form(request, person).is_valid():
        key = json_key(person, *data_period(request, person))
        return hashlib.sha256(key.encode()).hexdigest()[:32]
    return None


# A chart asks for it again and again: the access log keeps one line a day per viewer.
@person_view("read", page=gettext_noop("Trends: chart data"), once_a_day=True)
@condition(etag_func=data_etag)
def data(request, person):
    """The series the trends charts draw (see docs/formats.md). Like every diary page it is sent
    "private, no-store" (sci_tracker.middleware); the ETag names the diary's version, so a
    client that asks with it gets 304 until something changes."""
    form = data_form(request, person)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    body = chart_json(person, *data_period(request, person))
    return HttpResponse(body, content_type="application/json")


def home_summary(owner, by_day: aggregates.Daily | None = None):
    """The home page's cards: this week against last week, and this month's top trigger.
    `by_day`: the days already read, when they take in the last fortnight."""
    today = owner.local_today()
    changes = aggregates.week_on_week(owner, today, by_day)
    if not any(item.this_days or item.last_days for item in changes):
        return None
    month = Period(today.replace(day=1), today)
    read = Period(by_day.days[0], by_day.days[-1]) if by_day else None
    return {
        # What came in the hours after bladder, bowel, skin and medicine events, when strong.
        "after_events": (
            by_the_hour.by_the_hour(owner, read, by_the_hour.recorded_spasms(by_day)).sentences()
            if read
            else []
        ),
        "changes": changes,
        "sentences": [(summaries.change(item), item.chart) for item in changes if item.notable],
        "top_trigger": aggregates.most_logged_trigger(owner, month),
        "month": month,
        "fortnight": Period(today - timedelta(days=13), today),
    }
