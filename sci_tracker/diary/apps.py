from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "sci_tracker.diary"
    label = "diary"
    verbose_name = "Diary"

    def ready(self):
        from django.db.models.signals import m2m_changed

        from sci_tracker.diary.models import LegPainEntry, SpasmEpisode, triggers_changed

        for model in (SpasmEpisode, LegPainEntry):
            m2m_changed.connect(triggers_changed, sender=model.triggers.through)
