from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sci_tracker.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from sci_tracker.accounts import middleware, resume

        user_logged_in.connect(resume.on_sign_in, dispatch_uid="resume-save-on-sign-in")
        user_logged_in.connect(middleware.start_session_life, dispatch_uid="session-life")
