"""The reminder settings page, the devices' push subscriptions, and the e-mail stop link."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sci_tracker.accounts.models import User
from sci_tracker.reminders import channels
from sci_tracker.reminders.forms import ReminderSettingsForm
from sci_tracker.reminders.models import PushSubscription, ReminderSettings

# Push services speak only HTTPS (a browser test's fake one on localhost adds http://).
ENDPOINT_SCHEMES = ("https://",)


def settings_for(user: User) -> ReminderSettings:
    """The person's reminder settings, or new unsaved ones (everything off)."""
    return ReminderSettings.objects.filter(user=user).first() or ReminderSettings(
        user=user, by_push=True, by_email=False
    )


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    form = ReminderSettingsForm(request.POST or None, instance=settings_for(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, _("Your reminders are saved."))
        return redirect("reminders:settings")
    return render(
        request,
        "reminders/settings.html",
        {
            "form": form,
            "title": _("Reminders"),
            "submit_label": _("Save reminders"),
            "devices": PushSubscription.objects.filter(user=request.user).count(),
            "vapid_public_key": channels.public_key(),
        },
    )


def subscription_fields(request: HttpRequest) -> dict | None:
    """endpoint, p256dh and auth from a PushSubscription.toJSON() the page posts, checked;
    None if the body is not one."""
    try:
        data = json.loads(request.body)
        keys = data.get("keys") or {}
        fields = {"endpoint": data["endpoint"], "p256dh": keys["p256dh"], "auth": keys["auth"]}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not all(isinstance(value, str) and value for value in fields.values()):
        return None
    if not fields["endpoint"].startswith(ENDPOINT_SCHEMES):
        return None
    if not channels.usable_keys(fields["p256dh"], fields["auth"]):
        return None
    try:
        # The model's own rules: a URL no longer than the column, keys that fit theirs.
        PushSubscription(user=request.user, **fields).clean_fields(exclude=["user"])
    except ValidationError:
        return None
    return fields


@require_POST
@login_required
def add_device(request: HttpRequest) -> HttpResponse:
    """Keep this device's subscription. A device that another account subscribed before (a
    shared phone) now gets the reminders of the one signed in, not both."""
    fields = subscription_fields(request)
    if fields is None:
        return HttpResponseBadRequest(_("That is not a push subscription."))
    with transaction.atomic():
        PushSubscription.objects.update_or_create(
            endpoint=fields["endpoint"],
            defaults={"user": request.user, "p256dh": fields["p256dh"], "auth": fields["auth"]},
        )
    count = PushSubscription.objects.filter(user=request.user).count()
    return JsonResponse({"devices": count}, status=201)


@require_POST
@login_required
def remove_device(request: HttpRequest) -> HttpResponse:
    """Stop reminders to this device: only the one signed in's own subscription goes."""
    try:
        endpoint = json.loads(request.body)["endpoint"]
    except (ValueError, KeyError, TypeError):
        endpoint = None
    if not isinstance(endpoint, str) or not endpoint:
        return HttpResponseBadRequest(_("That is not a push subscription."))
    PushSubscription.objects.filter(user=request.user, endpoint=endpoint).delete()
    count = PushSubscription.objects.filter(user=request.user).count()
    return JsonResponse({"devices": count})


# Exempt from the CSRF check: a mail program's one-click unsubscribe (RFC 8058) POSTs here
# with no cookie and no token. The signed key in the address is the authority, and all it can
# do is turn reminder e-mails off.
@csrf_exempt
def stop_email(request: HttpRequest, key: str) -> HttpResponse:
    """GET asks (mail scanners open links; opening must not unsubscribe); POST stops."""
    user_id = channels.stop_key_user_id(key)
    row = ReminderSettings.objects.filter(user_id=user_id).first() if user_id else None
    if row is None:
        return render(request, "reminders/stop_email.html", {"title": _("This link does not work")})
    if request.method == "POST":
        ReminderSettings.objects.filter(pk=row.pk).update(by_email=False)
        return render(
            request,
            "reminders/stop_email.html",
            {"title": _("No more reminder e-mails"), "stopped": True},
        )
    return render(
        request,
        "reminders/stop_email.html",
        {"title": _("Stop reminder e-mails?"), "asking": True, "by_email": row.by_email},
    )
