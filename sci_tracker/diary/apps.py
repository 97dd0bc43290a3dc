from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "sci_tracker.diary"
    label = "diary"
    verbose_name = "Diary"
