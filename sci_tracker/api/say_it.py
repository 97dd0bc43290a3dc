"""Say it through the API: a dictated sentence read into an entry (diary.say_it), answered with
the reading, and saved when asked, by the same web forms as every other write.

Reading is the first half of logging: the endpoint needs a token that may log, and access that
logs (the person, or their carer). A clinician's token is answered 403, as for any write.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from sci_tracker.api.auth import access_of
from sci_tracker.api.entries import KINDS, already_saved, form_errors
from sci_tracker.api.serializers import CLIENT_ID_HELP
from sci_tracker.api.views import PERSON, PrivateView
from sci_tracker.diary import say_it
from sci_tracker.diary.forms import INTERVENTION_FORMSETS
from sci_tracker.diary.models import Entry
from sci_tracker.diary.taps import Tap, save_once
from sci_tracker.sharing.access import Access

# The reading's kinds, as the API's entry kinds.
API_KINDS = {"spasm": KINDS["spasms"], "pain": KINDS["pains"], "checkin": KINDS["check-ins"]}


class SayItIn(serializers.Serializer):
    text = serializers.CharField(
        max_length=say_it.MAX_LENGTH, help_text="The sentence, as said or typed."
    )
    save = serializers.BooleanField(
        default=False, help_text="Save the entry read (true), or only answer the reading (false)."
    )
    client_id = serializers.UUIDField(required=False, help_text=CLIENT_ID_HELP)


class ReadingOut(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=["spasm", "pain", "checkin", ""],
        help_text="The kind of entry read; empty when none could be told.",
    )
    occurred_at = serializers.DateTimeField(
        allow_null=True, help_text="When it happened (a spasm or leg pain)."
    )
    date = serializers.DateField(allow_null=True, source="day", help_text="A check-in's day.")
    form_data = serializers.DictField(
        source="data", help_text="What the web form would be sent for this entry."
    )
    understood = serializers.ListField(
        child=serializers.CharField(), help_text="What was understood, in plain words."
    )
    not_understood = serializers.ListField(
        child=serializers.CharField(), help_text="The words that were not understood."
    )
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="What must still be said before it can be saved."
    )


class SayItOut(serializers.Serializer):
    summary = serializers.CharField(
        help_text="One sentence for a voice assistant to read back: what was saved, what was "
        "read, or why it was not saved."
    )
    reading = ReadingOut()
    entry = serializers.JSONField(
        allow_null=True,
        help_text="The entry saved, as the spasms, pains or check-ins endpoint shows it; null "
        "when only read.",
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Why it was not saved, by field (the web form's messages).",
    )


def save_reading(access: Access, writer, reading: say_it.Reading, client_id=None):
    """(entry, made, errors): the entry read, saved by its web form (and the things tried by
    the form's own formset), once per client_id; or the forms' errors."""
    if not reading.kind:
        return None, False, {"text": reading.missing}
    person, kind = access.person, API_KINDS[reading.kind]
    saved = already_saved(kind.model, person, client_id)
    if saved is not None:
        return saved, False, {}
    who = {"owner": person, "writer": writer}
    form = kind.form(reading.data, **who)
    tried_class = INTERVENTION_FORMSETS.get(reading.kind)
    tried = None
    if tried_class is not None:
        tried = tried_class(
            reading.data, instance=kind.model(), form_kwargs=who, prefix=say_it.TRIED
        )
    errors: dict[str, Any] = {}
    if not form.is_valid():
        errors.update(form_errors(form))
    if tried is not None and not tried.is_valid():
        errors[say_it.TRIED] = [
            *(str(error) for one in tried.errors for said in one.values() for error in said),
            *(str(error) for error in tried.non_form_errors()),
        ]
    if errors:
        return None, False, errors

    def make() -> Entry:
        with transaction.atomic():
            entry = form.save(commit=False)
            entry.owner = person
            entry.logged_by = writer
            entry.client_id = client_id
            entry.save()
            form.save_m2m()
            if tried is not None:
                tried.instance = entry
                tried.save()
        return entry

    entry, made = save_once(kind.model, person, Tap(client_id, timezone.now(), ""), make)
    return entry, made, {}


def spoken(reading: say_it.Reading, saved: bool, errors: dict[str, Any]) -> str:
    """The answer in one sentence, for a phone's assistant to read back."""
    if errors:
        reasons = " ".join(str(message) for messages in errors.values() for message in messages)
        return _("Not saved. %(reasons)s") % {"reasons": reasons}
    if not reading.kind:
        return _("Not understood. %(missing)s") % {"missing": " ".join(reading.missing)}
    what = "; ".join(str(line) for line in reading.understood)
    return (_("Saved: %(what)s.") if saved else _("Understood: %(what)s.")) % {"what": what}


class SayIt(PrivateView):
    @extend_schema(
        summary="Say it: log from a sentence",
        description="Reads a sentence in plain words (“bad spasm in my left leg ten minutes "
        "ago”, “pain 6, burning in both feet, after a transfer”, “check-in: spasms more than "
        "once an hour, moderate”) into the entry it describes, and answers what was understood "
        "and what was not. With `save` true the entry is saved by the same rules as the web "
        "form: 201 with the entry; 200 with the entry a request with the same client_id saved "
        "before; 400 with the reading and the errors when it cannot be saved as read. Needs a "
        "token that may log, reading only or not.",
        tags=["say it"],
        parameters=[PERSON],
        request=SayItIn,
        responses={200: SayItOut, 201: SayItOut, 400: SayItOut},
    )
    def post(self, request: Request) -> Response:
        access = access_of(request, "log", "API: say it")
        sent = SayItIn(data=request.data)
        sent.is_valid(raise_exception=True)
        text, client_id = sent.validated_data["text"], sent.validated_data.get("client_id")
        reading = say_it.read(text, access.person, timezone.now())
        answer: dict[str, Any] = {"reading": ReadingOut(reading).data, "entry": None}
        if not sent.validated_data["save"]:
            return Response({"summary": spoken(reading, False, {}), **answer})
        entry, made, errors = save_reading(access, request.user, reading, client_id)
        if errors:
            answer["errors"] = errors
            answer["summary"] = spoken(reading, False, errors)
            return Response(answer, status=status.HTTP_400_BAD_REQUEST)
        answer["entry"] = API_KINDS[reading.kind].reads(entry).data
        answer["summary"] = spoken(reading, True, {})
        return Response(answer, status=status.HTTP_201_CREATED if made else status.HTTP_200_OK)
