"""The closed months' rows keep their figures as pickles (trends.fields.PickledField), not JSON.

The rows are derived: each is written again from the diary by the first read that finds it
missing, so the old ones are dropped rather than converted (PostgreSQL has no cast from jsonb
to bytea)."""

from django.db import migrations

import sci_tracker.trends.fields


def drop_rows(apps, schema_editor):
    for name in ("MonthDays", "MonthFigures"):
        apps.get_model("trends", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("trends", "0004_month_days_marks"),
    ]

    operations = [
        migrations.RunPython(drop_rows, migrations.RunPython.noop),
        *(
            operation
            for model, name, field in (
                ("monthfigures", "figures", sci_tracker.trends.fields.PickledField()),
                ("monthdays", "series", sci_tracker.trends.fields.PickledField()),
                ("monthdays", "hours", sci_tracker.trends.fields.PickledField(default=list)),
                ("monthdays", "marks", sci_tracker.trends.fields.PickledField(null=True)),
            )
            for operation in (
                migrations.RemoveField(model_name=model, name=name),
                migrations.AddField(model_name=model, name=name, field=field),
            )
        ),
    ]
