from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sci_tracker.reports"
    label = "reports"
    verbose_name = "Reports"
