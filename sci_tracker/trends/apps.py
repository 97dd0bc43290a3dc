from django.apps import AppConfig


class TrendsConfig(AppConfig):
    name = "sci_tracker.trends"
    label = "trends"
    verbose_name = "Trends"
