"""manage.py seed_demo: a demo account with a diary of made-up entries (see diary/demo.py)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from sci_tracker.diary import demo


class Command(BaseCommand):
    help = (
        "Create a demo account, NAME@example.org, with a diary of made-up entries for trying "
        "the app. An existing account of that name has its diary replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=demo.DEFAULT_DAYS,
            help=f"How many days of entries, ending today (default {demo.DEFAULT_DAYS}).",
        )
        parser.add_argument(
            "--user",
            default=demo.DEFAULT_NAME,
            metavar="NAME",
            help=f"The account's name before @example.org (default {demo.DEFAULT_NAME!r}).",
        )
        parser.add_argument(
            "--keep-existing",
            action="store_true",
            help="If the account exists already, leave it and its diary as they are.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="Random seed: the same days and seed give the same diary "
            f"(default {demo.DEFAULT_SEED}).",
        )

        parser.add_argument(
            "--throughout",
            action="store_true",
            help="Fill every day with the bladder, bowel and skin programme, baclofen doses and "
            "SCI-SET weeks, not only the last weeks: years of every record, for benchmarks.",
        )

    def handle(self, *args, days, user, keep_existing, seed, throughout, **options):
        try:
            validate_email(f"{user}@example.org")
        except ValidationError:
            raise CommandError(f"{user!r} cannot start an e-mail address.") from None
        try:
            outcome = demo.seed_demo(
                name=user, days=days, seed=seed, keep_existing=keep_existing, throughout=throughout
            )
        except ValueError as error:
            raise CommandError(str(error)) from None

        if outcome.kept:
            self.stdout.write(
                f"{outcome.email} exists already; left it as it is (--keep-existing)."
            )
            return
        self.stdout.write(
            "Created " + ", ".join(f"{count:,} {kind}" for kind, count in outcome.counts.items())
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account ready: sign in as {outcome.email} with password "
                f"{demo.DEMO_PASSWORD} ({outcome.days} days of entries)."
            )
        )
