from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "sci_tracker.safety"
    label = "safety"
    verbose_name = "Safety"
