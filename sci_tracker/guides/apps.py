from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "sci_tracker.guides"
    label = "guides"
    verbose_name = "Guides"
