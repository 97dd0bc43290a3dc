"""Accounts record when their address was confirmed (all existing ones start unconfirmed), and
addresses are stored the one way the app compares them (core.addresses.normalise_email)."""

import unicodedata

from django.db import migrations, models


def normalised(address):
    # A copy of core.addresses.normalise_email as it is today: a migration must not change
    # meaning when that function does.
    return unicodedata.normalize("NFKC", address).strip().casefold()


def normalise_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set(User.objects.values_list("email", flat=True))
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        new = normalised(email)
        if new == email:
            continue
        if new in taken:
            # Two accounts whose addresses differ only in ways the app no longer tells apart:
            # the older keeps its address, this one is left as it was for the staff to sort out.
            print(f"\n  Account {pk}: its address normalises to one another account holds; left.")
            continue
        User.objects.filter(pk=pk).update(email=new)
        taken.add(new)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_is_clinician"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_confirmed_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the person opened a link sent to this address. Empty: not "
                "confirmed, so the account cannot accept invitations or act as a clinician.",
                null=True,
                verbose_name="e-mail address confirmed",
            ),
        ),
        migrations.RunPython(normalise_addresses, migrations.RunPython.noop, elidable=True),
    ]
