from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sci_tracker.core"
    label = "core"
    verbose_name = "Core"
