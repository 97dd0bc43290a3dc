"""Arithmetic on stored moments in the database's own SQL.

Django writes `F("at") + timedelta(...)` and `F("later") - F("earlier")` on SQLite as calls back
into Python functions, once per row. Besides the cost, a Python function inside a query holds
the connection while it waits for Python, which can stall another thread using the same
connection (the test server shares one in-memory database between its threads). These two say
the same in plain SQL on both databases.
"""

from django.db.models import DateTimeField, FloatField, Func


class HoursLater(Func):
    """The moment `hours` whole hours after `expression`."""

    output_field = DateTimeField()

    def __init__(self, expression, hours: int):
        super().__init__(expression)
        self.hours = int(hours)

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + %s * INTERVAL '1 hour')", [*params, self.hours]

    def as_sqlite(self, compiler, connection):
        # Stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; datetime() keeps that form (to the
        # second, the precision the diary's times have).
        sql, params = compiler.compile(self.source_expressions[0])
        return f"datetime({sql}, %s)", [*params, f"{self.hours:+d} hours"]


class SecondsBetween(Func):
    """How many seconds `later` is after `earlier` (negative if before; null if either is)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection):
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))", [*later_params, *earlier_params]

    def as_sqlite(self, compiler, connection):
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        sql = f"((julianday({later}) - julianday({earlier})) * 86400.0)"
        return sql, [*later_params, *earlier_params]
