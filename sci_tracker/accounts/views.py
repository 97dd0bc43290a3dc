from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from sci_tracker.accounts import confirmation, language
from sci_tracker.accounts.forms import (
    ChangeEmailForm,
    DeleteAccountForm,
    ProfileForm,
    SignInForm,
    SignUpForm,
)

SIGNED_UP_ADDRESS = "signed_up_address"  # the session key the "check your e-mail" page reads
SIGNED_UP_AS = "signed_up_as"  # and what the visitor said the account is for: its next steps


def sign_up(request):
    """Sign-up answers the same whether or not the address has an account: a new address gets
    an unconfirmed account and its confirmation link, a taken one a notice to its owner."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if form.is_valid():
        user = form.save()
        if user is None:
            confirmation.tell_taken(form.instance.email)
        else:
            confirmation.send_confirmation(request, user)
        request.session[SIGNED_UP_ADDRESS] = form.instance.email
        # The visitor's own answer, not the account's: the page still reads the same whether or
        # not the address had an account.
        request.session[SIGNED_UP_AS] = form.cleaned_data["uses_app_as"]
        return redirect("signup_sent")
    return render(
        request,
        "accounts/sign_up.html",
        {"form": form, "title": _("Create your account"), "submit_label": _("Create account")},
    )


@require_safe
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/sign_up_sent.html",
        {
            "title": _("Check your e-mail"),
            "address": request.session.get(SIGNED_UP_ADDRESS),
            "signed_up_as": request.session.get(SIGNED_UP_AS, ""),
            "days": confirmation.max_age_days(),
        },
    )


@never_cache
def confirm_email(request: HttpRequest, key: str) -> HttpResponse:
    """A confirmation link: the page says what it will do, the button does it. A button and not
    the link itself, because mail scanners open links, and a scanner must not confirm an
    account that someone else made with this address."""
    opened = confirmation.open_key(key)
    if opened.problem:
        return render(
            request,
            "accounts/confirm_email.html",
            {"title": _("This link no longer works"), "problem": opened.problem},
        )
    if request.method == "POST":
        changing = opened.is_change  # asked before the account takes the address
        if not confirmation.confirm(opened):
            messages.error(
                request,
                _("Another account uses %(address)s now, so your address was not changed.")
                % {"address": opened.address},
            )
        elif changing:
            messages.success(
                request,
                _("Your account's e-mail address is now %(address)s, and it is confirmed.")
                % {"address": opened.address},
            )
        else:
            messages.success(
                request, _("Thank you: %(address)s is confirmed.") % {"address": opened.address}
            )
        return redirect("profile" if request.user == opened.user else "login")
    return render(
        request,
        "accounts/confirm_email.html",
        {
            "title": _("Confirm your e-mail address"),
            "address": opened.address,
            "is_change": opened.is_change,
            "account": opened.user,
        },
    )


@require_POST
@login_required
def send_confirmation(request: HttpRequest) -> HttpResponse:
    """The "send the link again" button."""
    user = request.user
    if user.email_confirmed:
        messages.info(request, _("Your e-mail address is confirmed already."))
    elif confirmation.send_confirmation(request, user):
        messages.success(
            request,
            _("A new link is on its way to %(address)s. Open it to confirm your address.")
            % {"address": user.email},
        )
    else:
        messages.error(request, too_many_emails())
    return redirect("sharing:people" if request.POST.get("back") == "people" else "profile")


def too_many_emails() -> str:
    minutes = int(confirmation.ACCOUNT_EMAILS.window.total_seconds() // 60)
    return ngettext(
        "We have sent several e-mails to that address lately. Please wait up to %(minutes)d "
        "minute, check your spam folder, and try again.",
        "We have sent several e-mails to that address lately. Please wait up to %(minutes)d "
        "minutes, check your spam folder, and try again.",
        minutes,
    ) % {"minutes": minutes}


@login_required
def change_email(request: HttpRequest) -> HttpResponse:
    """A new address is used only once a link sent to it is opened (see confirmation)."""
    form = ChangeEmailForm(request.user, request.POST or None)
    if form.is_valid():
        address = form.cleaned_data["email"]
        if confirmation.send_change(request, request.user, address):
            messages.success(
                request,
                _(
                    "We sent a link to %(address)s. Your address changes when you open it; "
                    "until then you sign in with %(present)s."
                )
                % {"address": address, "present": request.user.email},
            )
            return redirect("profile")
        form.add_error(None, too_many_emails())
    return render(
        request,
        "accounts/change_email.html",
        {
            "form": form,
            "title": _("Change your e-mail address"),
            "submit_label": _("Send the link"),
        },
    )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("Sign in"), "submit_label": gettext_lazy("Sign in")}


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("home")


@login_required
def profile(request):
    # Asked before the form writes what was typed onto the account: the card link follows
    # the saved level, as the card page itself does.
    card_shown = request.user.ad_risk
    form = ProfileForm(request.POST or None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return language.follow_profile(form, redirect("profile"))
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "title": _("Your profile"),
            "submit_label": _("Save profile"),
            "card_shown": card_shown,
        },
    )


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("profile")
    extra_context = {
        "title": gettext_lazy("Change your password"),
        "submit_label": gettext_lazy("Change password"),
    }
    success_message = gettext_lazy(
        "Your password is changed. Other devices signed in to your account are signed out."
    )


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if form.is_valid():
        user = request.user
        logout(request)
        user.delete_account()
        messages.success(request, _("Your account and everything in it are deleted."))
        return redirect("home")
    return render(
        request, "accounts/delete_account.html", {"form": form, "title": _("Delete your account")}
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
