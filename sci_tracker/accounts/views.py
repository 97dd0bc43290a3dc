from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from sci_tracker.accounts.forms import DeleteAccountForm, ProfileForm, SignInForm, SignUpForm


def sign_up(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to SCI Tracker. Your account is ready.")
        return redirect("home")
    return render(
        request,
        "accounts/sign_up.html",
        {"form": form, "title": "Create your account", "submit_label": "Create account"},
    )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True
    extra_context = {"title": "Sign in", "submit_label": "Sign in"}


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You are signed out.")
    return redirect("home")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "title": "Your profile", "submit_label": "Save profile"},
    )


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("profile")
    extra_context = {"title": "Change your password", "submit_label": "Change password"}
    success_message = (
        "Your password is changed. Other devices signed in to your account are signed out."
    )


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if form.is_valid():
        user = request.user
        logout(request)
        user.delete_account()
        messages.success(request, "Your account and everything in it are deleted.")
        return redirect("home")
    return render(
        request, "accounts/delete_account.html", {"form": form, "title": "Delete your account"}
    )


def locked_out(request, original_response=None, credentials=None):
    """What django-axes shows after too many wrong passwords (AXES_LOCKOUT_CALLABLE)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "address_limit": settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
        "by_address": getattr(request, "sign_in_paused_for_address", False),
    }
    return render(request, "registration/locked_out.html", context, status=429)
