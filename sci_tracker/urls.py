from django.contrib import admin
from django.urls import include, path

from sci_tracker import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("sci_tracker.accounts.urls")),
    path("", include("sci_tracker.diary.urls")),
    path("trends/", include("sci_tracker.trends.urls")),
    path("guides/", include("sci_tracker.guides.urls")),
    path("export/", include("sci_tracker.exports.urls")),
    path("admin/", admin.site.urls),
]
