from django.db import migrations

from sci_tracker.diary.catalogue import sync_catalogue


def load(apps, schema_editor):
    sync_catalogue(apps.get_model("diary", "Trigger"), apps.get_model("diary", "Intervention"))


class Migration(migrations.Migration):
    dependencies = [("diary", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
