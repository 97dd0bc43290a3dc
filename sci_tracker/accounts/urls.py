from django.contrib.auth import views as auth_views
from django.urls import path
from django.utils.translation import gettext_lazy as _

from sci_tracker.accounts import views
from sci_tracker.accounts.forms import ResetPasswordForm

urlpatterns = [
    path("signup/", views.sign_up, name="signup"),
    path("signup/sent/", views.sign_up_sent, name="signup_sent"),
    path("confirm/send/", views.send_confirmation, name="send_confirmation"),
    path("confirm/<str:key>/", views.confirm_email, name="confirm_email"),
    path("email/", views.change_email, name="change_email"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetPasswordForm,
            extra_context={"title": _("Reset your password"), "submit_label": _("Send reset link")},
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(extra_context={"title": _("Check your e-mail")}),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            extra_context={
                "title": _("Choose a new password"),
                "submit_label": _("Save new password"),
            }
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            extra_context={"title": _("Your password is reset")}
        ),
        name="password_reset_complete",
    ),
    path("delete/", views.delete_account, name="delete_account"),
]
