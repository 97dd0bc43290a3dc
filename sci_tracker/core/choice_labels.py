"""Choice labels looked up, not rebuilt: `@quick_choice_labels` on a model.

Django's get_FOO_display() builds a dict of the field's choices on every call, hashing each
label, which translates every lazy label of the field to show one of them: the what-helped page
asked 16 times for a treatment event's kind, each time translating all ten kinds' labels (under
the profiler, 9% of the page). The getters set here keep each field's {value: lazy label} and
translate only the label shown, in the language active at the call. Django lets a model define
its own get_FOO_display(); these are such methods, with Django's answer for a value not among
the choices (the value itself)."""

from collections.abc import Callable
from typing import TypeVar

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

Model = TypeVar("Model", bound=type[models.Model])


def quick_choice_labels(model: Model) -> Model:
    """Give `model` a quick get_FOO_display() for each of its own fields with choices (those of
    an abstract parent included)."""
    for field in model._meta.local_fields:
        if field.choices:
            setattr(model, f"get_{field.name}_display", _display(field))
    return model


def _display(field: models.Field) -> Callable[[models.Model], str]:
    labels = {make_hashable(value): label for value, label in field.flatchoices}

    def get_display(self: models.Model) -> str:
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    get_display.__doc__ = f"The label of {field.name}'s value, in the active language."
    return get_display
