import html

from django import template
from django.utils.formats import date_format, get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext, pgettext

from sci_tracker.core.guide_links import item_link, section_url
from sci_tracker.diary.templatetags.readings import bp_readings

register = template.Library()


def escape(text) -> str:
    """Django's escape without its check for lazy text on every call (str() settles any): the
    rows below escape thousands of cells."""
    return html.escape(str(text))


@register.filter
def days_in_brackets(days: int) -> str:
    """The day count beside a figure in a table's row, as "(7 days)": a filter, where a
    {% blocktranslate count %} in each row was, under the profiler, a fifth of the what-helped
    page's drawing."""
    return ngettext("(%(days)s day)", "(%(days)s days)", days) % {"days": localize(days)}


@register.filter
def figure(value):
    """A number for a table cell: whole numbers as they are, others to one decimal, and a dash
    for a day with nothing recorded."""
    return figure_with(value, get_format("DECIMAL_SEPARATOR"))


def figure_with(value, mark: str) -> str:
    """figure, with the language's decimal mark given: a table looks it up once."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", mark)
    return str(value)


@register.filter
def heat(value):
    """The heat-map class for a day's worst pain (0-10), or none recorded."""
    return "heat-none" if value is None else f"heat-{value}"


@register.filter
def hours_minutes(value):
    """A timedelta as hours and minutes, such as "4 h 05 min"."""
    minutes = round(value.total_seconds() / 60)
    return gettext("%(hours)d h %(minutes)02d min") % {
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }


@register.simple_tag
def table_rows(rows: list, *columns: str) -> SafeString:
    """The rows of a trends table: each row's label as its header cell, then a cell with the
    figure of each column named ("name[]": a list of values, a cell each). Written here, not by
    template loops: the weekly tables of twenty years hold thousands of cells."""
    # A figure is digits, a dash and the decimal mark: the mark is escaped once, not each
    # cell (a year's tables hold 1,500 cells).
    mark = escape(get_format("DECIMAL_SEPARATOR"))
    # Each figure's cell made once: a table's figures are a few hundred values over and over
    # (ratings, counts, days without a record). By type too: 1 and 1.0 are shown apart.
    made: dict = {}

    def cell(value) -> str:
        key = (value.__class__, value)
        found = made.get(key)
        if found is None:
            shown = value
            if value is not None and not isinstance(value, int | float):
                shown = escape(value)  # not a number: escaped as any text is
            found = made[key] = f"<td>{figure_with(shown, mark)}</td>"
        return found

    chosen = [(name[:-2], True) if name.endswith("[]") else (name, False) for name in columns]
    lines = []
    for row in rows:
        cells = "".join(
            "".join(map(cell, row[key])) if many else cell(row[key]) for key, many in chosen
        )
        lines.append(f'<tr><th scope="row">{escape(row["label"])}</th>{cells}</tr>\n')
    return mark_safe("".join(lines))  # noqa: S308 (numbers, and text escaped above)


@register.simple_tag
def heat_rows(weeks: list) -> SafeString:
    """The rows of the worst-pain calendar (trends.views.heat_map): a week a row, a cell a day,
    an empty cell for a day outside the period. Written here, not by template loops: a year's
    calendar holds 371 cells."""
    lines = []
    for week in weeks:
        cells = "".join(
            f'<td class="{escape(cell["css"])}" title="{escape(cell["title"])}">'
            f"{escape(cell['text'])}</td>"
            if cell
            else '<td class="heat-outside"></td>'
            for cell in week["cells"]
        )
        lines.append(f'<tr><th scope="row">{escape(week["label"])}</th>{cells}</tr>\n')
    return mark_safe("".join(lines))  # noqa: S308 (every value escaped above)


@register.simple_tag
def hour_rows(rows: list) -> SafeString:
    """The rows of the spasms-by-hour table: (hour, spasms, whether a night hour) each."""
    yes, no = escape(gettext("Yes")), escape(gettext("No"))
    return mark_safe(  # noqa: S308 (numbers and escaped words)
        "".join(
            f'<tr><th scope="row">{hour:02d}:00</th><td>{int(count)}</td>'
            f"<td>{yes if night else no}</td></tr>\n"
            for hour, count, night in rows
        )
    )


def comparison_rows(comparisons: list, min_days: int, once: dict) -> str:
    """The rows of a trigger's with-and-without table (TriggerStats.comparisons): a measure and
    when a row, its two means with their days and the change, or why it is not shown. The
    sentences are the ones the template's blocktranslate tags gave, so their translations
    stay. `once`: the words already looked up for the page's other tables, by what they say
    (Django's gettext walks every fallback catalogue for an English message: thirty triggers'
    rows looked words up 340 times a view)."""
    mark = escape(get_format("DECIMAL_SEPARATOR"))

    def days(count: int) -> str:
        found = once.get(("days", count))
        if found is None:
            found = ngettext("(%(days)s day)", "(%(days)s days)", count) % {"days": count}
            once["days", count] = found
        return found

    lines = []
    for label, when, comparison in comparisons:
        # The labels are the module's lazy constants (aggregates): the same objects each time.
        measure = once.get((id(label), id(when)))
        if measure is None:
            measure = gettext("%(label)s, %(when)s") % {
                "label": escape(label),
                "when": escape(when),
            }
            once[id(label), id(when)] = measure
        if comparison.shown:
            difference = comparison.difference
            cells = (
                f"<td>{figure_with(comparison.with_mean, mark)} "
                f'<span class="days">{days(comparison.with_days)}</span></td>'
                f"<td>{figure_with(comparison.without_mean, mark)} "
                f'<span class="days">{days(comparison.without_days)}</span></td>'
                f"<td>{'+' if difference > 0 else ''}{figure_with(difference, mark)}</td>"
            )
        else:
            why = ngettext(
                "Not shown: %(with_days)s day with it and %(without_days)s without; each side "
                "needs at least %(least)s.",
                "Not shown: %(with_days)s days with it and %(without_days)s without; each side "
                "needs at least %(least)s.",
                comparison.with_days,
            ) % {
                "with_days": comparison.with_days,
                "without_days": comparison.without_days,
                "least": min_days,
            }
            cells = f'<td colspan="3" class="not-enough">{why}</td>'
        lines.append(f'<tr>\n<th scope="row">{measure}</th>{cells}</tr>\n')
    return "".join(lines)


@register.simple_tag
def trigger_sections(triggers: list, min_days: int) -> SafeString:
    """Each trigger's section of the triggers page (aggregates.TriggerStats): its name, how
    often it was logged, a link to its guide and its with-and-without table. Written here, not
    by a template loop: thirty triggers' sections took a third of the page's first view. The
    sentences are the ones the template's blocktranslate tags gave, so their translations
    stay."""
    heads = "".join(
        f'<th scope="col">{escape(label)}</th>'
        for label in (
            gettext("Measure"),
            gettext("With it"),
            gettext("Without"),
            pgettext("a difference", "Change"),
        )
    )
    sections, once = [], {}
    for trigger in triggers:
        slug, name = escape(trigger.slug), escape(trigger.name)
        logged = ngettext(
            "Logged %(times)s time", "Logged %(times)s times", trigger.times_logged
        ) % {"times": localize(trigger.times_logged)}
        summary = ngettext(
            "%(logged)s, on %(days)s day.", "%(logged)s, on %(days)s days.", trigger.days_logged
        ) % {"logged": logged, "days": localize(trigger.days_logged)}
        if trigger.guide:
            more = gettext("Learn more about %(name)s") % {"name": escape(trigger.name.lower())}
            summary += f'\n<a href="{escape(section_url(trigger.guide))}">{more}</a>'
        region = gettext("%(name)s: with and without") % {"name": name}
        caption = gettext("%(name)s: days with it against days without it") % {"name": name}
        sections.append(
            f'<section class="trend trigger" id="trigger-{slug}" '
            f'aria-labelledby="trigger-{slug}-heading">\n'
            f'<h2 id="trigger-{slug}-heading" class="h4">{name}</h2>\n'
            f'<p class="trend-summary">{summary}</p>\n'
            f'<div class="table-responsive" tabindex="0" role="region" aria-label="{region}">\n'
            f'<table class="table table-sm comparison">\n'
            f'<caption class="visually-hidden">{caption}</caption>\n'
            f"<thead><tr>{heads}</tr></thead>\n"
            f"<tbody>\n{comparison_rows(trigger.comparisons, min_days, once)}</tbody>\n"
            "</table>\n</div>\n</section>\n"
        )
    return mark_safe("".join(sections))  # noqa: S308 (numbers, and text escaped above)


def unit_start(start, by_month: bool) -> str:
    """A table row's week (its first day) or month, as the templates' date filter showed it."""
    return escape(date_format(start, "YEAR_MONTH_FORMAT" if by_month else "DATE_FORMAT"))


@register.simple_tag
def dose_rows(weeks: list, by_month: bool) -> SafeString:
    """The rows of a medicine's doses table (trends.adherence): written here, as care_rows."""
    return mark_safe(  # noqa: S308 (numbers, and dates escaped by unit_start)
        "".join(
            f"<tr><td>{unit_start(week.start, by_month)}</td><td>{week.on_time}</td>"
            f"<td>{week.late}</td><td>{week.missed}</td><td>{week.as_needed}</td></tr>"
            for week in weeks
        )
    )


@register.simple_tag
def care_rows(weeks: list, by_month: bool) -> SafeString:
    """The rows of the bladder, bowel and skin table (trends.care_weeks.CareWeek): written
    here, not by a template loop, as the other tables of the overview's first view."""
    mark = escape(get_format("DECIMAL_SEPARATOR"))
    lines = []
    for week in weeks:
        start = unit_start(week.start, by_month)
        if week.days < week.length:
            start += f' <span class="text-body-secondary">{days_in_brackets(week.days)}</span>'
        lines.append(
            f"<tr><td>{start}</td>"
            f"<td>{figure_with(float(week.catheterisations_a_day), mark)}</td>"
            f"<td>{week.routines}</td><td>{week.missed}</td>"
            f"<td>{week.checks}/{week.days}</td><td>{week.open_problems}</td></tr>"
        )
    return mark_safe("".join(lines))  # noqa: S308 (numbers, and dates escaped above)


@register.simple_tag
def sciset_rows(weeks: list) -> SafeString:
    """The rows of the SCI-SET table (trends.sciset_weeks): written here, as care_rows."""
    return mark_safe(  # noqa: S308 (numbers, and text escaped here)
        "".join(
            f"<tr><td>{escape(date_format(week.day, 'DATE_FORMAT'))}</td>"
            f"<td>{escape(week.words)}</td><td>{week.answered}/35</td></tr>"
            for week in weeks
        )
    )


@register.simple_tag
def ad_episode_items(episodes: list, owner) -> SafeString:
    """The list items of the overview's autonomic dysreflexia episodes (trends.ad_episodes):
    when, how it ended, what may have set it off, and its readings against `owner`'s usual
    pressure. Written here, as the tables' rows; the words are the template's."""
    shown_as, set_off = gettext("j M Y, H:i"), gettext("may have been set off by")
    items = []
    for episode in episodes:
        # As the template's date filter shows it: an aware moment in the page's zone.
        started = escape(date_format(template_localtime(episode.started), shown_as))
        what = escape(str(episode.outcome_label).lower())
        if episode.cause_labels:
            causes = ", ".join(str(label) for label in episode.cause_labels).lower()
            what += f"; {escape(set_off)} {escape(causes)}"
        items.append(
            f"<li><strong>{started}</strong>: {what}.\n"
            f"{bp_readings(episode.readings, owner)}</li>\n"
        )
    return mark_safe("".join(items))  # noqa: S308 (escaped above, the readings by their tag)


@register.simple_tag
def tried_rows(interventions: list) -> SafeString:
    """The rows of what helped's table (aggregates.InterventionStats): each thing tried, linked
    to its guide, the times tried and the times of each effect. Written here, as the overview's
    tables' rows."""
    return mark_safe(  # noqa: S308 (numbers, and the name escaped by item_link)
        "".join(
            f'<tr>\n<th scope="row">{item_link(item.name, item.guide)}</th>\n'
            f"<td>{item.times_tried}</td>\n"
            + "".join(f"<td>{times}</td>" for _label, times in item.effect_counts())
            + "\n</tr>"
            for item in interventions
        )
    )


@register.simple_tag
def before_after_rows(measures: list, min_days: int) -> SafeString:
    """The rows of a treatment event's before-and-after table (aggregates.BeforeAfter.measures):
    a measure a row, its means before and after with their days and the change, or why it is
    not shown; the sentences are the template's."""
    mark = escape(get_format("DECIMAL_SEPARATOR"))
    lines = []
    for label, comparison in measures:
        if comparison.shown:
            difference = comparison.difference
            cells = (
                f"<td>{figure_with(comparison.without_mean, mark)} "
                f'<span class="days">{days_in_brackets(comparison.without_days)}</span></td>'
                f"<td>{figure_with(comparison.with_mean, mark)} "
                f'<span class="days">{days_in_brackets(comparison.with_days)}</span></td>'
                f"<td>{'+' if difference > 0 else ''}{figure_with(difference, mark)}</td>"
            )
        else:
            why = ngettext(
                "Not shown: %(before)s day before and %(after)s after; each side needs at "
                "least %(least)s.",
                "Not shown: %(before)s days before and %(after)s after; each side needs at "
                "least %(least)s.",
                comparison.without_days,
            ) % {
                "before": comparison.without_days,
                "after": comparison.with_days,
                "least": min_days,
            }
            cells = f'<td colspan="3" class="not-enough">{why}</td>'
        lines.append(f'<tr>\n<th scope="row">{escape(label)}</th>{cells}</tr>\n')
    return mark_safe("".join(lines))  # noqa: S308 (numbers, and text escaped above)
