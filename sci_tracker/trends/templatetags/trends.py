from django import template
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def figure(value):
    """A number for a table cell: whole numbers as they are, others to one decimal, and a dash
    for a day with nothing recorded."""
    if value is None:
        return "–"
    if isinstance(value, float):
        # The language's decimal mark (get_format is cached): tables write hundreds of these.
        return f"{value:.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))
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
    lines = []
    for row in rows:
        cells = []
        for name in columns:
            values = row[name[:-2]] if name.endswith("[]") else (row[name],)
            cells.extend(f"<td>{escape(figure(value))}</td>" for value in values)
        lines.append(f'<tr><th scope="row">{escape(row["label"])}</th>{"".join(cells)}</tr>\n')
    return mark_safe("".join(lines))  # noqa: S308 (every value escaped above)
