from django.contrib.auth import views as auth_views
from django.urls import path

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
            extra_context={"title": "Reset your password", "submit_label": "Send reset link"},
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(extra_context={"title": "Check your e-mail"}),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            extra_context={"title": "Choose a new password", "submit_label": "Save new password"}
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            extra_context={"title": "Your password is reset"}
        ),
        name="password_reset_complete",
    ),
    path("delete/", views.delete_account, name="delete_account"),
]
