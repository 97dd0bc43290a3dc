"""What the API reads and writes, as JSON.

The input serializers check only the shape of what was sent (types, the models' own choices);
every rule about an entry is the web form's (diary.forms), which the views run on it (see
entries.py), so a rule lives in one place whichever way an entry comes in.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from rest_framework import serializers

from sci_tracker.diary.forms import DAY_OUT_OF_RANGE
from sci_tracker.diary.models import (
    BodyRegion,
    CheckIn,
    DoseStatus,
    DoseUnit,
    LegPainEntry,
    MedicineDose,
    MedicineReason,
    MedicineRoute,
    PainQuality,
    PainSite,
    PainType,
    RedFlag,
    SpasmDuration,
    SpasmEpisode,
    SpasmImpact,
    SpasmPattern,
    SpasmSeverity,
)
from sci_tracker.diary.rules import on_calendar
from sci_tracker.diary.schedules import HOUR_MINUTE


def many(choices) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), required=False)


CLIENT_ID_HELP = (
    "An id the client makes (a UUID). Sent again, the entry is saved once: the second answer "
    "is 200 with the entry saved the first time."
)
OCCURRED_AT_HELP = (
    "When it happened (ISO 8601; without an offset, in the diary owner's time zone). Left out: now."
)


class EntryIn(serializers.Serializer):
    client_id = serializers.UUIDField(required=False, help_text=CLIENT_ID_HELP)
    note = serializers.CharField(required=False, allow_blank=True)
    note_for_clinician = serializers.BooleanField(required=False)


class TimedEntryIn(EntryIn):
    occurred_at = serializers.DateTimeField(required=False, help_text=OCCURRED_AT_HELP)
    triggers = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Ids of triggers."
    )
    red_flags = many(RedFlag.choices)


class SpasmIn(TimedEntryIn):
    severity = serializers.ChoiceField(choices=SpasmSeverity.choices, required=False)
    pattern = serializers.ChoiceField(choices=SpasmPattern.choices, required=False)
    duration = serializers.ChoiceField(choices=SpasmDuration.choices, required=False)
    regions = many(BodyRegion.choices)
    impacts = many(SpasmImpact.choices)


class PainIn(TimedEntryIn):
    intensity = serializers.IntegerField(help_text="How bad, 0 (none) to 10.")
    problem = serializers.IntegerField(required=False, help_text="The id of a pain problem.")
    sites = many(PainSite.choices)
    qualities = many(PainQuality.choices)
    pain_type = serializers.ChoiceField(choices=PainType.choices, required=False)


class CheckInIn(EntryIn):
    date = serializers.DateField(
        required=False, help_text="The day it is about. Left out: today, in the owner's zone."
    )
    psfs_frequency = serializers.ChoiceField(choices=CheckIn.Frequency.choices)
    psfs_severity = serializers.ChoiceField(choices=CheckIn.Severity.choices, required=False)
    spasticity = serializers.IntegerField(required=False)
    pain_worst = serializers.IntegerField(required=False)
    pain_average = serializers.IntegerField(required=False)
    interference_activities = serializers.IntegerField(required=False)
    interference_mood = serializers.IntegerField(required=False)
    interference_sleep = serializers.IntegerField(required=False)
    night_wakings = serializers.IntegerField(required=False)


class DoseIn(serializers.Serializer):
    client_id = serializers.UUIDField(required=False, help_text=CLIENT_ID_HELP)
    medicine = serializers.IntegerField(help_text="The id of a medicine on the list.")
    occurred_at = serializers.DateTimeField(required=False, help_text=OCCURRED_AT_HELP)
    amount = serializers.DecimalField(
        max_digits=9, decimal_places=3, required=False, help_text="If not the usual dose."
    )


class DueDoseIn(serializers.Serializer):
    """A scheduled dose's answer, named as the Log page's one tap names it (DueDoseForm)."""

    client_id = serializers.UUIDField(required=False, help_text=CLIENT_ID_HELP)
    medicine = serializers.IntegerField(help_text="The id of a medicine on the list.")
    day = serializers.DateField(help_text="The day the dose is due, in the owner's zone.")
    time = serializers.RegexField(
        rf"^{HOUR_MINUTE.pattern}$",
        help_text="The scheduled time, HH:MM, one of the medicine's `times` that day.",
    )
    status = serializers.ChoiceField(choices=DoseStatus.choices)

    def validate_day(self, day: date) -> date:
        if not on_calendar(day):
            raise serializers.ValidationError(DAY_OUT_OF_RANGE)
        return day


class EntryOut(serializers.ModelSerializer):
    person = serializers.IntegerField(source="owner_id", read_only=True)
    logged_by = serializers.IntegerField(source="logged_by_id", read_only=True, allow_null=True)
    note = serializers.SerializerMethodField()

    COMMON = ("id", "person", "logged_by", "client_id", "created_at", "note", "note_for_clinician")

    def get_note(self, entry) -> str:
        shows = self.context.get("shows_note")
        return entry.note if shows is None or shows(entry) else ""


class SpasmOut(EntryOut):
    class Meta:
        model = SpasmEpisode
        fields = (
            *EntryOut.COMMON,
            "occurred_at",
            "severity",
            "pattern",
            "duration",
            "regions",
            "impacts",
            "triggers",
            "red_flags",
        )


class PainOut(EntryOut):
    class Meta:
        model = LegPainEntry
        fields = (
            *EntryOut.COMMON,
            "occurred_at",
            "intensity",
            "problem",
            "sites",
            "qualities",
            "pain_type",
            "triggers",
            "red_flags",
        )


class CheckInOut(EntryOut):
    class Meta:
        model = CheckIn
        fields = (
            *EntryOut.COMMON,
            "date",
            "recall_window",
            *CheckIn.ANSWERS,
        )


class DoseOut(EntryOut):
    class Meta:
        model = MedicineDose
        fields = (*EntryOut.COMMON, "medicine", "status", "occurred_at", "scheduled_for", "amount")


class MedicineOut(serializers.Serializer):
    """A medicine on the list as its treatment events leave it today (a MedicineState)."""

    id = serializers.IntegerField(source="medicine.pk")
    name = serializers.CharField(source="medicine.name")
    unit = serializers.ChoiceField(choices=DoseUnit.choices, source="medicine.unit")
    route = serializers.ChoiceField(choices=MedicineRoute.choices, source="medicine.route")
    reason = serializers.ChoiceField(choices=MedicineReason.choices, source="medicine.reason")
    current = serializers.BooleanField(help_text="In force today: started, and not stopped.")
    dose = serializers.DecimalField(
        max_digits=9,
        decimal_places=3,
        source="regimen.dose",
        allow_null=True,
        help_text="The usual dose today, in `unit`; null when not in force.",
    )
    times = serializers.ListField(
        child=serializers.CharField(),
        source="regimen.times",
        allow_null=True,
        help_text="Today's scheduled times (HH:MM, the owner's zone); empty: as needed; null "
        "when not in force.",
    )
    started = serializers.DateField(allow_null=True, help_text="The first start.")
    stopped = serializers.DateField(allow_null=True, help_text="The day of the stop in force.")


class DaysQuery(serializers.Serializer):
    """`from` and `to`: the first and last day listed, in the diary owner's zone."""

    def get_fields(self):
        return {
            "from": serializers.DateField(required=False),
            "to": serializers.DateField(required=False),
            "person": serializers.IntegerField(required=False),
        }

    def validate(self, attrs):
        for name in ("from", "to"):
            day: date | None = attrs.get(name)
            if day is not None and not on_calendar(day):
                raise serializers.ValidationError({name: DAY_OUT_OF_RANGE})
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": _("The last day comes before the first.")})
        return attrs


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()


class ProfileOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    time_zone = serializers.CharField()
    token_name = serializers.CharField()
    token_scope = serializers.CharField()
    people = PersonOut(many=True, help_text="Diaries this account may open besides its own.")
