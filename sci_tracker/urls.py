from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from sci_tracker import views
from sci_tracker.accounts import language
from sci_tracker.api import pages as api_pages
from sci_tracker.api import voice as api_voice
from sci_tracker.pwa import views as pwa_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # At the root: a service worker's scope is its own folder and below.
    path("service-worker.js", pwa_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa_views.manifest, name="manifest"),
    path("", include("sci_tracker.pwa.urls")),
    # Plural forms for the scripts' few words ("2 entries waiting to send").
    path(
        "jsi18n/",
        require_safe(cache_control(no_cache=True)(JavaScriptCatalog.as_view())),
        name="javascript_catalogue",
    ),
    # The footer's language menu (Django's set_language, and the profile's choice when signed in).
    path("language/", language.set_language, name="set_language"),
    path("accounts/", include("sci_tracker.accounts.urls")),
    # The API's personal access tokens, made and revoked from the profile.
    path("accounts/tokens/", api_pages.tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", api_pages.revoke_token, name="api_token_revoke"),
    path("accounts/tokens/voice/", api_voice.voice, name="api_voice"),
    path("", include("sci_tracker.diary.urls")),
    path("", include("sci_tracker.trends.urls")),
    path("guides/", include("sci_tracker.guides.urls")),
    path("export/", include("sci_tracker.exports.urls")),
    # A short address to match /export/; the import pages live with the exports.
    path(
        "import/",
        require_safe(login_required(RedirectView.as_view(pattern_name="exports:import"))),
        name="import",
    ),
    path("", include("sci_tracker.sharing.urls")),
    path("", include("sci_tracker.reports.urls")),
    path("", include("sci_tracker.safety.urls")),
    path("reminders/", include("sci_tracker.reminders.urls")),
    path("api/v1/", include("sci_tracker.api.urls")),
    path("admin/", admin.site.urls),
]

# A database that fails outside a view (the session, the sign-in, a commit) answers 503, not 500.
handler500 = "sci_tracker.views.server_error"
# Under /api/ these answer JSON with a `detail` (sci_tracker.core.json_errors); elsewhere Django's.
handler400 = "sci_tracker.views.bad_request"
handler403 = "sci_tracker.views.permission_denied"
handler404 = "sci_tracker.views.page_not_found"
