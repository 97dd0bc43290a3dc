from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "sci_tracker.safety"
    label = "safety"
    verbose_name = _("Safety")
