"""Diary entries for tests, with the fields that do not matter filled in."""

from datetime import UTC, date, datetime

from sci_tracker.diary.models import CheckIn, LegPainEntry, SpasmEpisode

# 2026-03-14 11:30 UTC: already the 15th in Auckland (UTC+13), still the 14th in Denver (UTC-6).
NOW = datetime(2026, 3, 14, 11, 30, tzinfo=UTC)


def spasm(owner, **fields):
    return SpasmEpisode.objects.create(
        owner=owner, logged_by=owner, occurred_at=fields.pop("occurred_at", NOW), **fields
    )


def pain(owner, **fields):
    return LegPainEntry.objects.create(
        owner=owner,
        logged_by=owner,
        occurred_at=fields.pop("occurred_at", NOW),
        intensity=fields.pop("intensity", 5),
        **fields,
    )


def checkin(owner, day=date(2026, 3, 14), **fields):
    return CheckIn.objects.create(
        owner=owner,
        logged_by=owner,
        date=day,
        psfs_frequency=fields.pop("psfs_frequency", 0),
        **fields,
    )


def builtin(model, slug):
    return model.objects.get(owner=None, slug=slug)
