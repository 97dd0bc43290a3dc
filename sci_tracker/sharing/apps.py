from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sci_tracker.sharing"
    label = "sharing"
    verbose_name = "Sharing"
