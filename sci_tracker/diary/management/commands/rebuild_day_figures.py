"""manage.py rebuild_day_figures: count everyone's per-day figures again from their entries."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from sci_tracker.diary import day_figures


class Command(BaseCommand):
    help = (
        "Count each person's spasms and leg pain per local day (spasms per local hour, and "
        "entries per day and trigger) again from their entries (the figures the trends read). "
        "Saves keep them in step; this is for after a restore made outside the app, or to check "
        "nothing drifted. Safe while the app runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--person", type=int, help="Only this account's id.")

    def handle(self, *args, person=None, **options):
        people = get_user_model().objects.order_by("pk").values_list("pk", flat=True)
        if person is not None:
            people = people.filter(pk=person)
        done = 0
        for owner_id in people.iterator():
            day_figures.rebuild(owner_id)  # one transaction per person: saves go on between
            done += 1
        self.stdout.write(f"Counted the days of {done} diar{'y' if done == 1 else 'ies'}.")
