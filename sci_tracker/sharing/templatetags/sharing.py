from django import template
from django.urls import reverse

from sci_tracker.sharing.access import scope_kwargs

register = template.Library()


@register.simple_tag(takes_context=True)
def person_url(context, name, **kwargs):
    """The URL of `name` for the diary this page shows: your own, a person you have access to,
    or the share link's. {% person_url "trends:triggers" %}"""
    return reverse(name, kwargs={**scope_kwargs(context["request"]), **kwargs})
