from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "sci_tracker.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self):
        from sci_tracker.diary.demo import demo_seeded
        from sci_tracker.reminders.models import demo_reminders

        demo_seeded.connect(demo_reminders, dispatch_uid="reminders.demo")
