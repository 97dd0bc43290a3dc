"""The report's charts as SVG, drawn on the server from the trends' day-by-day series.

No JavaScript: each chart is a string of SVG markup, the same in the page, in the browser's print
and in the PDF. Each is an image to a screen reader (role="img") named by its <title> and described
by a <desc> that gives its key figures. Lines differ by dash and marker as well as colour, and
bars by fill pattern, so a black-and-white print still tells them apart. Treatment events are
dashed vertical lines, numbered as in the key under the chart.

Every piece of text goes through `escape`; styling is SVG presentation attributes (no style=
attribute, which the Content-Security-Policy would block).
"""

from dataclasses import dataclass
from datetime import timedelta
from math import ceil

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sci_tracker.core.dates import short_date, short_month
from sci_tracker.trends.aggregates import highest_on, mean, weekly
from sci_tracker.trends.summaries import NIGHT, one_decimal

WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP = 46, 10, 24
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = 112
BOTTOM = TOP + PLOT_HEIGHT  # the x axis
WEEKLY_AFTER_DAYS = 92  # longer periods are drawn as weekly means, as the trends tables are

INK = "#212529"
GRID = "#c9ced6"
AVERAGE = "#1f4e9c"  # blue, solid line, filled circles
WORST = "#a33b00"  # dark orange, dashed line, open squares
BAR = "#a9c4e6"
BAR_EDGE = "#1f4e9c"
HATCH = "#0d2a5c"
EVENT = "#000000"


# SVG building: every attribute value and every text escaped -----------------------------------


def _number(value):
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def element(tag, attributes=None, *children):
    """An SVG element. Attribute values are escaped; children are markup made by element() or
    text()."""
    parts = [tag]
    for name, value in (attributes or {}).items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{escape(_number(value))}"')
    opening = " ".join(parts)
    if not children:
        return f"<{opening}/>"
    return f"<{opening}>{''.join(children)}</{tag}>"


def text(content):
    return escape(content)


def label(x, y, content, **attributes):
    return element("text", {"x": x, "y": y, **attributes}, text(content))


# Dates and scales ----------------------------------------------------------------------------


def day_name(day, year=True):
    return short_date(day, year=year)


@dataclass
class Bucket:
    """A bar's or a point's days: one day, or a week for long periods."""

    offset: int  # days from the period's start
    days: int
    values: dict  # measure -> value or None


def buckets(by_day, names):
    """The series to draw: day by day, or weekly means for a long period."""
    if len(by_day.days) <= WEEKLY_AFTER_DAYS:
        return [
            Bucket(n, 1, {name: getattr(by_day, name)[n] for name in names})
            for n in range(len(by_day.days))
        ]
    start = by_day.days[0]
    return [
        Bucket((first - start).days, (last - first).days + 1, {n: figures[n][0] for n in names})
        for first, last, figures in weekly(by_day)
    ]


class Frame:
    """Maps days and values to the plot area."""

    def __init__(self, start, length, top_value):
        self.start, self.length, self.top_value = start, length, top_value

    def x(self, offset_days):
        return round(LEFT + PLOT_WIDTH * offset_days / self.length, 1)

    def day_centre(self, day):
        return self.x((day - self.start).days + 0.5)

    def y(self, value):
        return round(BOTTOM - PLOT_HEIGHT * value / self.top_value, 1)


def nice_top(highest):
    """A round top for a count axis, with the step between its five gridlines."""
    for top in (4, 5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100):
        if highest <= top:
            return top
    return ceil(highest / 50) * 50


def x_ticks(start, length):
    """(offset in days, label) along the bottom: every few days, or month by month."""
    if length > WEEKLY_AFTER_DAYS:
        ticks, day = [], start
        while (day - start).days < length:
            if day.day == 1:
                ticks.append(((day - start).days, short_month(day, year=day.month == 1)))
            day += timedelta(days=1)
        return ticks
    step = next(step for step in (1, 2, 7, 14, 28) if length / step <= 8)
    return [
        (n + 0.5, day_name(start + timedelta(days=n), year=False)) for n in range(0, length, step)
    ]


def axes(frame, y_ticks, y_title, y_label=_number):
    """Gridlines with their values on the left, the date labels, and the axis titles."""
    parts = []
    for value in y_ticks:
        y = frame.y(value)
        parts.append(
            element(
                "line",
                {"x1": LEFT, "x2": LEFT + PLOT_WIDTH, "y1": y, "y2": y, "stroke": GRID},
            )
        )
        parts.append(label(LEFT - 6, y + 4, y_label(value), text_anchor="end"))
    parts.append(element("line", {"x1": LEFT, "x2": LEFT, "y1": TOP, "y2": BOTTOM, "stroke": INK}))
    parts.append(
        element(
            "line",
            {"x1": LEFT, "x2": LEFT + PLOT_WIDTH, "y1": BOTTOM, "y2": BOTTOM, "stroke": INK},
        )
    )
    for offset, name in x_ticks(frame.start, frame.length):
        x = frame.x(offset)
        parts.append(
            element("line", {"x1": x, "x2": x, "y1": BOTTOM, "y2": BOTTOM + 4, "stroke": INK})
        )
        parts.append(label(x, BOTTOM + 16, name, text_anchor="middle"))
    middle = TOP + PLOT_HEIGHT / 2
    parts.append(
        label(12, middle, y_title, text_anchor="middle", transform=f"rotate(-90 12 {middle})")
    )
    return "".join(parts)


def event_markers(frame, events):
    """A dashed vertical line on each event's day, numbered at the top as in the key. Events too
    close to number apart share one label ("2, 3")."""
    parts, groups = [], []
    for number, event in enumerate(events, start=1):
        x = frame.day_centre(event.date)
        parts.append(
            element(
                "line",
                {
                    "x1": x,
                    "x2": x,
                    "y1": TOP - 4,
                    "y2": BOTTOM,
                    "stroke": EVENT,
                    "stroke_width": 1.5,
                    "stroke_dasharray": "4 3",
                    "class": "event-marker",
                },
                element("title", {}, text(f"{number}: {event_title(event)}")),
            )
        )
        if groups and x - groups[-1][0] < 10 + 7 * len(groups[-1][1]):
            groups[-1][1].append(str(number))
        else:
            groups.append((x, [str(number)]))
    for x, numbers in groups:
        content = ", ".join(numbers)
        width = 8 + 7 * len(content)
        parts.append(
            element(
                "rect",
                {
                    "x": round(x - width / 2, 1),
                    "y": 2,
                    "width": width,
                    "height": 16,
                    "fill": "#ffffff",
                    "stroke": EVENT,
                },
            )
        )
        parts.append(label(x, 14, content, text_anchor="middle", font_weight="bold"))
    return "".join(parts)


def event_title(event):
    words = {"kind": event.get_event_kind_display(), "day": day_name(event.date)}
    if event.described:
        return _("%(kind)s, %(day)s (%(details)s)") % {**words, "details": event.described}
    return _("%(kind)s, %(day)s") % words


def events_sentence(events):
    if not events:
        return _("No treatment events in this period.")
    listed = "; ".join(f"{n}, {event_title(event)}" for n, event in enumerate(events, start=1))
    return _("Treatment events, as numbered on the chart: %(events)s.") % {"events": listed}


def legend(entries):
    """A row of (swatch markup, name) along the bottom."""
    parts, x = [], LEFT
    y = HEIGHT - 8
    for swatch, name in entries:
        parts.append(swatch(x, y - 4))
        parts.append(label(x + 28, y, name))
        x += 40 + 6.5 * len(name)
    return "".join(parts)


def svg(chart_id, title, description, *body, defs=""):
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return mark_safe(  # noqa: S308 - built by element(), which escapes every value and text
        element(
            "svg",
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "viewBox": f"0 0 {WIDTH} {HEIGHT}",
                "width": WIDTH,
                "height": HEIGHT,
                "role": "img",
                "aria-labelledby": f"{title_id} {desc_id}",
                "id": chart_id,
                "class": "report-svg",
                "font-family": "DejaVu Sans, Arial, Helvetica, sans-serif",
                "font-size": 11,
                "fill": INK,
            },
            element("title", {"id": title_id}, text(title)),
            element("desc", {"id": desc_id}, text(description)),
            defs,
            *body,
        )
    )


def points(frame, drawn, name):
    """Runs of consecutive recorded values as polyline point lists, and every point."""
    runs, run, every = [], [], []
    for bucket in drawn:
        value = bucket.values[name]
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        point = (frame.x(bucket.offset + bucket.days / 2), frame.y(value))
        run.append(point)
        every.append(point)
    if run:
        runs.append(run)
    return runs, every


def polyline(run, **attributes):
    return element(
        "polyline",
        {"points": " ".join(f"{_number(x)},{_number(y)}" for x, y in run), "fill": "none"}
        | attributes,
    )


def period_words(by_day):
    return _("%(start)s to %(end)s") % {
        "start": day_name(by_day.days[0]),
        "end": day_name(by_day.days[-1]),
    }


# The charts ----------------------------------------------------------------------------------


def pain_chart(by_day, events, chart_id="pain-chart"):
    """Average and worst leg pain, 0-10, day by day (weekly means for long periods)."""
    start, length = by_day.days[0], len(by_day.days)
    frame = Frame(start, length, 10)
    drawn = buckets(by_day, ["pain_average", "pain_worst"])
    weekly_means = drawn[0].days > 1 if drawn else False

    average, rated = mean(by_day.pain_average)
    worst, worst_day = highest_on(by_day.days, by_day.pain_worst)
    if rated:
        figures = ngettext(
            "Average leg pain %(average)s out of 10 on %(days)d day with a rating; the worst "
            "was %(worst)s out of 10, on %(day)s.",
            "Average leg pain %(average)s out of 10 over %(days)d days with a rating; the worst "
            "was %(worst)s out of 10, on %(day)s.",
            rated,
        ) % {
            "average": one_decimal(average),
            "days": rated,
            "worst": worst,
            "day": day_name(worst_day),
        }
    else:
        figures = _("No leg pain was recorded in this period.")
    drawn_as = " " + _("Drawn as weekly means.") if weekly_means else ""
    description = f"{figures}{drawn_as} {events_sentence(events)}"

    body = [axes(frame, range(0, 11, 2), _("Leg pain (0-10)"))]
    runs, every = points(frame, drawn, "pain_worst")
    for run in runs:
        body.append(polyline(run, stroke=WORST, stroke_width=1.5, stroke_dasharray="6 3"))
    body += [square(x, y, WORST) for x, y in every]
    runs, every = points(frame, drawn, "pain_average")
    for run in runs:
        body.append(polyline(run, stroke=AVERAGE, stroke_width=2.2))
    body += [element("circle", {"cx": x, "cy": y, "r": 2.6, "fill": AVERAGE}) for x, y in every]
    body.append(event_markers(frame, events))
    body.append(
        legend(
            [
                (lambda x, y: line_swatch(x, y, AVERAGE, None, "circle"), _("Average pain")),
                (lambda x, y: line_swatch(x, y, WORST, "6 3", "square"), _("Worst pain")),
                (event_swatch, _("Treatment event (numbered)")),
            ]
        )
    )
    title = _("Leg pain, %(period)s") % {"period": period_words(by_day)}
    return svg(chart_id, title, description, *body)


def spasm_chart(by_day, events, chart_id="spasm-chart"):
    """Spasms logged per day, with those at night hatched (weekly means for long periods)."""
    start, length = by_day.days[0], len(by_day.days)
    drawn = buckets(by_day, ["spasms", "night_spasms"])
    weekly_means = drawn[0].days > 1 if drawn else False
    highest = max((b.values["spasms"] or 0 for b in drawn), default=0)
    top = nice_top(highest)
    frame = Frame(start, length, top)

    recorded = [count for count in by_day.spasms if count is not None]
    total = sum(recorded)
    if total:
        night = sum(count for count in by_day.night_spasms if count is not None)
        most, most_day = highest_on(by_day.days, by_day.spasms)
        days = len(recorded)
        logged = ngettext("%(total)d spasm logged", "%(total)d spasms logged", total) % {
            "total": total
        }
        figures = ngettext(
            "%(logged)s on %(days)d day with a record: %(night)s of them at night (%(hours)s). "
            "The most in one day was %(most)d, on %(day)s.",
            "%(logged)s over %(days)d days with a record: %(per_day)s a day, %(night)s of them "
            "at night (%(hours)s). The most in one day was %(most)d, on %(day)s.",
            days,
        ) % {
            "logged": logged,
            "days": days,
            "per_day": one_decimal(total / days),
            "night": one_decimal(night / days),
            "hours": NIGHT,
            "most": most,
            "day": day_name(most_day),
        }
    else:
        figures = _("No spasms were logged in this period.")
    drawn_as = " " + _("Drawn as weekly means per day.") if weekly_means else ""
    description = f"{figures}{drawn_as} {events_sentence(events)}"

    hatch_id = f"{chart_id}-night"
    defs = element(
        "defs",
        {},
        element(
            "pattern",
            {
                "id": hatch_id,
                "patternUnits": "userSpaceOnUse",
                "width": 5,
                "height": 5,
                "patternTransform": "rotate(45)",
            },
            element("rect", {"width": 5, "height": 5, "fill": "#ffffff"}),
            element(
                "line", {"x1": 0, "y1": 0, "x2": 0, "y2": 5, "stroke": HATCH, "stroke_width": 3}
            ),
        ),
    )
    step = top // 4 if top % 4 == 0 else top // 5
    body = [axes(frame, range(0, top + 1, step), _("Spasms per day"))]
    for bucket in drawn:
        count, night = bucket.values["spasms"], bucket.values["night_spasms"]
        if count is None:
            continue
        left, right = frame.x(bucket.offset), frame.x(bucket.offset + bucket.days)
        gap = (right - left) * 0.15
        attributes = {"x": round(left + gap, 1), "width": round(right - left - 2 * gap, 1)}
        if count:
            body.append(
                element(
                    "rect",
                    attributes
                    | {
                        "y": frame.y(count),
                        "height": round(BOTTOM - frame.y(count), 1),
                        "fill": BAR,
                        "stroke": BAR_EDGE,
                        "stroke_width": 0.6,
                    },
                )
            )
        if night:
            body.append(
                element(
                    "rect",
                    attributes
                    | {
                        "y": frame.y(night),
                        "height": round(BOTTOM - frame.y(night), 1),
                        "fill": f"url(#{hatch_id})",
                        "stroke": HATCH,
                        "stroke_width": 0.6,
                    },
                )
            )
    body.append(event_markers(frame, events))
    body.append(
        legend(
            [
                (lambda x, y: box_swatch(x, y, BAR, BAR_EDGE), _("All spasms")),
                (
                    lambda x, y: box_swatch(x, y, f"url(#{hatch_id})", HATCH),
                    _("At night, %(hours)s") % {"hours": NIGHT},
                ),
                (event_swatch, _("Treatment event (numbered)")),
            ]
        )
    )
    title = _("Spasms logged per day, %(period)s") % {"period": period_words(by_day)}
    return svg(chart_id, title, description, *body, defs=defs)


# Legend swatches -----------------------------------------------------------------------------


def square(x, y, colour, size=5):
    return element(
        "rect",
        {
            "x": round(x - size / 2, 1),
            "y": round(y - size / 2, 1),
            "width": size,
            "height": size,
            "fill": "#ffffff",
            "stroke": colour,
            "stroke_width": 1.3,
        },
    )


def line_swatch(x, y, colour, dashes, marker):
    swatch = element(
        "line",
        {
            "x1": x,
            "x2": x + 22,
            "y1": y,
            "y2": y,
            "stroke": colour,
            "stroke_width": 2,
            "stroke_dasharray": dashes,
        },
    )
    if marker == "circle":
        return swatch + element("circle", {"cx": x + 11, "cy": y, "r": 2.6, "fill": colour})
    return swatch + square(x + 11, y, colour)


def box_swatch(x, y, fill, edge):
    return element(
        "rect", {"x": x + 4, "y": y - 6, "width": 14, "height": 11, "fill": fill, "stroke": edge}
    )


def event_swatch(x, y):
    return element(
        "line",
        {
            "x1": x + 11,
            "x2": x + 11,
            "y1": y - 7,
            "y2": y + 6,
            "stroke": EVENT,
            "stroke_width": 1.5,
            "stroke_dasharray": "4 3",
        },
    )


def report_charts(report):
    """The two charts of a report."""
    return {
        "pain": pain_chart(report.by_day, report.events),
        "spasms": spasm_chart(report.by_day, report.events),
    }
