from django import template

register = template.Library()


@register.filter
def change(value):
    """A difference with its sign, to one decimal: "+1.2", "−0.5" (a minus sign), "0.0"; a dash
    when one side has no figure."""
    if value is None:
        return "–"
    if round(value, 1) == 0:
        return "0.0"
    return f"+{value:.1f}" if value > 0 else f"\N{MINUS SIGN}{-value:.1f}"
