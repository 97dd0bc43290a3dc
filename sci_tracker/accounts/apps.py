from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sci_tracker.accounts"
    label = "accounts"
    verbose_name = "Accounts"
