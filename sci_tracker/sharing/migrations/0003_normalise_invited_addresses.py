"""Invited addresses stored the one way the app compares them (core.addresses.normalise_email),
so an invitation matches its account by an exact, Unicode-aware comparison."""

import unicodedata

from django.db import migrations


def normalised(address):
    # A copy of core.addresses.normalise_email as it is today (see accounts 0004).
    return unicodedata.normalize("NFKC", address).strip().casefold()


def normalise_addresses(apps, schema_editor):
    CareAccess = apps.get_model("sharing", "CareAccess")
    open_ones = set(
        CareAccess.objects.filter(ended_at__isnull=True).values_list("person_id", "email")
    )
    for grant in CareAccess.objects.order_by("pk").only("pk", "person_id", "email", "ended_at"):
        new = normalised(grant.email)
        if new == grant.email:
            continue
        if grant.ended_at is None:
            if (grant.person_id, new) in open_ones:
                continue  # a second open invitation to one address: left as it was
            open_ones.add((grant.person_id, new))
        CareAccess.objects.filter(pk=grant.pk).update(email=new)


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0002_clinic_records_imported_at"),
    ]

    operations = [
        migrations.RunPython(normalise_addresses, migrations.RunPython.noop, elidable=True),
    ]
