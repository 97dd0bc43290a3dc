"""The Say it box's help: how to say a sentence, with examples it reads."""

from django import template
from django.utils.translation import get_language

from sci_tracker.diary.say_it import EXAMPLES, reads_language

register = template.Library()


@register.inclusion_tag("diary/say_it_help.html")
def say_it_help() -> dict:
    """The help under the box. In a language Say it does not read yet, it says so, and the
    examples stay English (marked so, for screen readers) since English is what it reads."""
    return {"reads": reads_language(get_language()), "examples": EXAMPLES}
