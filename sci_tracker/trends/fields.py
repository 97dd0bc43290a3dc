"""The column that holds what a table of closed months keeps of each (trends.models)."""

import pickle
from typing import Any

from django.db import models


class PickledField(models.BinaryField):
    """Plain Python values (numbers, strings, None, lists, tuples and dicts of them) kept as a
    pickle. For tables the app alone writes and can always write again from the diary (a closed
    month's series, hours, figures and uses): a cold view of years reads hundreds of such rows, and
    a pickle of a month's series loads in about a sixth of the time its JSON took, giving every
    number back exactly as JSON did. As with Django's own database cache, the database is
    trusted with what it hands back."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else pickle.loads(value)  # noqa: S301 (written here alone)

    def get_prep_value(self, value: Any) -> bytes | None:
        return None if value is None else pickle.dumps(value, protocol=5)
