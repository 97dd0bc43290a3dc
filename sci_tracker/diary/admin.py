from django.contrib import admin

from sci_tracker.diary.models import (
    ADEpisode,
    BloodPressureReading,
    CareEvent,
    CheckIn,
    HiddenIntervention,
    HiddenTrigger,
    Intervention,
    LegPainEntry,
    Medicine,
    MedicineDose,
    PainProblem,
    SpasmEpisode,
    TreatmentEvent,
    Trigger,
)


@admin.register(Trigger, Intervention)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category", "owner", "archived", "guide"]
    list_filter = ["category", "archived", ("owner", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]


@admin.register(HiddenTrigger, HiddenIntervention)
class HiddenItemAdmin(admin.ModelAdmin):
    """The built-ins each person hid from their forms (My lists)."""

    list_display = ["__str__", "person"]
    raw_id_fields = ["person"]


@admin.register(SpasmEpisode, LegPainEntry, CareEvent, MedicineDose)
class TimedEntryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "occurred_at", "logged_by", "deleted_at"]
    list_filter = ["occurred_at"]
    raw_id_fields = ["owner", "logged_by"]


class ReadingInline(admin.TabularInline):
    model = BloodPressureReading
    extra = 0


@admin.register(ADEpisode)
class ADEpisodeAdmin(TimedEntryAdmin):
    inlines = [ReadingInline]


@admin.register(CheckIn, TreatmentEvent)
class DatedEntryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "date", "logged_by", "deleted_at"]
    list_filter = ["date"]
    raw_id_fields = ["owner", "logged_by"]


admin.site.register(PainProblem)


@admin.register(Medicine)
class MedicineAdmin(admin.ModelAdmin):
    """A medicine's identity; its starts, changes and stop are its treatment events."""

    list_display = ["name", "owner", "reason", "route", "remind"]
    raw_id_fields = ["owner"]
