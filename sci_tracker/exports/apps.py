from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "sci_tracker.exports"
    label = "exports"
    verbose_name = "Exports"
