"""The API's views: thin. Who may do what is auth.py; how an entry is saved is entries.py."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sci_tracker.api import serializers as api
from sci_tracker.api.auth import access_of
from sci_tracker.api.entries import (
    DOSES,
    KINDS,
    Kind,
    form_errors,
    save,
    save_dose,
    save_due_dose,
    shows_note,
)
from sci_tracker.diary import medicines
from sci_tracker.middleware import PRIVATE
from sci_tracker.sharing.roles import roles_of
from sci_tracker.trends.views import chart_json, data_range, placed_period

PERSON = OpenApiParameter(
    "person",
    OpenApiTypes.INT,
    description="The id of the person whose diary this is (see the profile's `people`). "
    "Left out: your own.",
)
DAYS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="The first day, in their zone."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="The last day, in their zone."),
]


class Paging(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


class PrivateView(APIView):
    """Every answer is someone's health data: never kept by a browser or proxy cache."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = PRIVATE
        return response


class EntryList(PrivateView):
    kind: Kind
    pagination_class = Paging  # also tells the OpenAPI document the list comes in pages

    def get(self, request: Request) -> Response:
        access = access_of(request, "read", self.kind.label)
        days = api.DaysQuery(data=request.query_params)
        days.is_valid(raise_exception=True)
        paging = self.pagination_class()
        page = paging.paginate_queryset(
            self.kind.entries(access.person, days.validated_data), request, view=self
        )
        context = {"shows_note": shows_note(access, request.user)}
        return paging.get_paginated_response(self.kind.reads(page, many=True, context=context).data)

    def post(self, request: Request) -> Response:
        access = access_of(request, "log", self.kind.label)
        sent = self.kind.writes(data=request.data)
        with timezone.override(access.person.zone):  # a time without an offset is theirs
            sent.is_valid(raise_exception=True)
        entry, made, errors = save(self.kind, access, request.user, sent.validated_data)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            self.kind.reads(entry).data, status=status.HTTP_201_CREATED if made else 200
        )


class EntryDetail(PrivateView):
    kind: Kind

    def get(self, request: Request, pk: int) -> Response:
        access = access_of(request, "read", self.kind.label)
        entry = get_object_or_404(self.kind.model.objects.for_user(access.person).active(), pk=pk)
        context = {"shows_note": shows_note(access, request.user)}
        return Response(self.kind.reads(entry, context=context).data)


def entry_views(name: str, tag: str) -> tuple[type[EntryList], type[EntryDetail]]:
    """The list (and log) view and the one-entry view of a kind, with their OpenAPI words.
    Each gets methods of its own: extend_schema marks the function it is given."""
    kind = KINDS[name]

    @extend_schema(
        summary=f"List {tag}",
        description="Newest first, outside the bin, a page at a time.",
        tags=[tag],
        parameters=[PERSON, *DAYS],
        responses=kind.reads(many=True),
    )
    def list_entries(self, request: Request) -> Response:
        return EntryList.get(self, request)

    @extend_schema(
        summary=f"Log {tag}",
        description="Checked by the same rules as the web form. 201 with the entry saved; "
        "200 with the entry a request with the same client_id saved before.",
        tags=[tag],
        parameters=[PERSON],
        request=kind.writes,
        responses={201: kind.reads, 200: kind.reads},
    )
    def log_entry(self, request: Request) -> Response:
        return EntryList.post(self, request)

    @extend_schema(
        summary=f"Read one entry ({tag})", tags=[tag], parameters=[PERSON], responses=kind.reads
    )
    def read_entry(self, request: Request, pk: int) -> Response:
        return EntryDetail.get(self, request, pk)

    model = kind.model.__name__
    listed = type(
        f"{model}List", (EntryList,), {"kind": kind, "get": list_entries, "post": log_entry}
    )
    one = type(f"{model}Detail", (EntryDetail,), {"kind": kind, "get": read_entry})
    return listed, one


SpasmList, SpasmDetail = entry_views("spasms", "spasms")
PainList, PainDetail = entry_views("pains", "leg pain")
CheckInList, CheckInDetail = entry_views("check-ins", "check-ins")


class Doses(EntryList):
    kind = DOSES

    @extend_schema(
        summary="List medicine doses",
        description="Taken and missed, scheduled and as needed: newest first, outside the bin, "
        "a page at a time.",
        tags=["medicines"],
        parameters=[PERSON, *DAYS],
        responses=api.DoseOut(many=True),
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        summary="Log an as-needed dose",
        description="A dose of a medicine on the list, taken now or at `occurred_at`, checked "
        "as on the web page. 201 with the dose saved; 200 with the dose a request with the "
        "same client_id saved before.",
        tags=["medicines"],
        parameters=[PERSON],
        request=api.DoseIn,
        responses={201: api.DoseOut, 200: api.DoseOut},
    )
    def post(self, request: Request) -> Response:
        return log_dose(request, api.DoseIn, save_dose)


def log_dose(request: Request, shape: type[serializers.Serializer], saver) -> Response:
    """A dose sent in `shape`, saved by `saver` (entries.save_dose or save_due_dose)."""
    access = access_of(request, "log", DOSES.label)
    sent = shape(data=request.data)
    with timezone.override(access.person.zone):  # a time without an offset is theirs
        sent.is_valid(raise_exception=True)
    dose, made, errors = saver(access, request.user, sent.validated_data)
    if errors:
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    return Response(api.DoseOut(dose).data, status=status.HTTP_201_CREATED if made else 200)


class DueDoses(PrivateView):
    @extend_schema(
        summary="Answer a due dose",
        description="A scheduled dose (a medicine's `time` on `day`) taken now or missed, as the "
        "Log page's one tap: on the schedule that day and due within two hours. 201 with the "
        "dose saved; 200 with the answer saved before (the same time, or the same client_id).",
        tags=["medicines"],
        parameters=[PERSON],
        request=api.DueDoseIn,
        responses={201: api.DoseOut, 200: api.DoseOut},
    )
    def post(self, request: Request) -> Response:
        return log_dose(request, api.DueDoseIn, save_due_dose)


class DoseDetail(EntryDetail):
    kind = DOSES

    @extend_schema(
        summary="Read one dose", tags=["medicines"], parameters=[PERSON], responses=api.DoseOut
    )
    def get(self, request: Request, pk: int) -> Response:
        return super().get(request, pk)


class Medicines(PrivateView):
    @extend_schema(
        summary="The medicine list",
        description="Every medicine on the list with the dose and times in force today (the "
        "owner's day), by name: first those in force, then those stopped or not started yet "
        "(`current` false).",
        tags=["medicines"],
        parameters=[PERSON],
        responses=api.MedicineOut(many=True),
    )
    def get(self, request: Request) -> Response:
        access = access_of(request, "read", "API: medicines")
        current, others = medicines.medicine_list(access.person, access.person.local_today())
        return Response(api.MedicineOut([*current, *others], many=True).data)


class Profile(PrivateView):
    @extend_schema(
        summary="Your profile",
        description="The token's account, and the people whose diaries it may open.",
        tags=["profile"],
        responses=api.ProfileOut,
    )
    def get(self, request: Request) -> Response:
        user, roles = request.user, roles_of(request.user)
        people = [{"id": p.pk, "name": p.name, "role": "carer"} for p in roles.helps]
        people += [{"id": p.pk, "name": p.name, "role": "clinician"} for p in roles.patients]
        profile = {
            "id": user.pk,
            "name": user.name,
            "email": user.email,
            "time_zone": user.time_zone,
            "token_name": request.auth.name,
            "token_scope": request.auth.scope,
            "people": people,
        }
        return Response(api.ProfileOut(profile).data)


class Trends(PrivateView):
    @extend_schema(
        summary="Trends figures",
        description="The figures the trends charts draw, the same as the web app's "
        "`data.json` (see docs/formats.md): the last 30 days, or the days from `from` to `to`.",
        tags=["trends"],
        parameters=[PERSON, *DAYS],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> HttpResponse | Response:
        access = access_of(request, "read", "API: trends")
        form = data_range(request.query_params, access.person)
        if not form.is_valid():
            return Response(form_errors(form), status=status.HTTP_400_BAD_REQUEST)
        body = chart_json(access.person, *placed_period(form, access))
        return HttpResponse(body, content_type="application/json")
