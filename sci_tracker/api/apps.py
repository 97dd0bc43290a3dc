from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sci_tracker.api"
    label = "api"
    verbose_name = "API"
