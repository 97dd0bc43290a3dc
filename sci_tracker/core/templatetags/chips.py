"""The options of a group of choices as chips (includes/choice_group.html, choice_tiers.html).

Drawn in Python, not in a template loop: a logging form has a few hundred options (the body
map's sites, the 0 to 10 scales), and the template language's lookups for each one were most of
the time its page took to draw.
"""

from django import template
from django.forms.boundfield import BoundWidget
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CHIP = (
    '<span class="chip"><input type="{}" class="btn-check" name="{}" value="{}" id="{}"{}>\n'
    '      <label class="btn btn-outline-primary" for="{}">{}</label></span>'
)


def chip(button: BoundWidget) -> SafeString:
    data = button.data
    label_for = button.id_for_label
    return format_html(
        CHIP,
        data["type"],
        data["name"],
        str(data["value"]),
        label_for,
        mark_safe(" checked") if data["selected"] else "",  # noqa: S308 (a constant)
        label_for,
        conditional_escape(button.choice_label),
    )


@register.simple_tag
def chips(field, buttons=None) -> SafeString:
    """One chip for each of the field's options (or of `buttons`, a tier of them); a required
    field leaves out the empty "---------" choice a model field brings, which is no answer."""
    skip_empty = buttons is None and field.field.required
    buttons = field.subwidgets if buttons is None else buttons
    return mark_safe(  # noqa: S308 (each chip is escaped by format_html)
        "\n      ".join(
            chip(button)
            for button in buttons
            if not (skip_empty and str(button.data["value"]) == "")
        )
    )
