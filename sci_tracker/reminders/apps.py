from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "sci_tracker.reminders"
    label = "reminders"
    verbose_name = "Reminders"
