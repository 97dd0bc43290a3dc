from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "sci_tracker.diary"
    label = "diary"
    verbose_name = _("Diary")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_save, pre_save

        from sci_tracker.diary import day_figures
        from sci_tracker.diary.models import LegPainEntry, SpasmEpisode, triggers_changed

        for model in (SpasmEpisode, LegPainEntry):
            m2m_changed.connect(triggers_changed, sender=model.triggers.through)
            m2m_changed.connect(day_figures.recount_after_links, sender=model.triggers.through)
        # The per-day figures follow every save of what they count (diary.day_figures). No delete
        # signal: it would stop Django deleting a whole diary in one statement when an account
        # goes, and the rows go with the account anyway; the few paths that delete counted
        # entries directly (an import taken back, the demo diary) rebuild.
        for model in day_figures.COUNTED:
            pre_save.connect(day_figures.note_day_before, sender=model)
            post_save.connect(day_figures.recount_after_save, sender=model)
        pre_save.connect(day_figures.note_zone_before, sender=get_user_model())
        post_save.connect(day_figures.rebuild_after_zone_change, sender=get_user_model())
