"""Lists that learn (issue 16): built-ins hidden per person, own items renamed and archived.

What a form offers leaves out what the person hid or archived; an entry that already names one
keeps it, on its page and when edited."""

import re
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sci_tracker.diary.models import (
    HiddenIntervention,
    HiddenTrigger,
    Intervention,
    LegPainEntry,
    SpasmEpisode,
    Trigger,
    hide_builtin,
)
from sci_tracker.sharing.models import CareAccess
from tests.conftest import diary_queries, make_user
from tests.entries import NOW, builtin, pain, spasm


def choices(html, name):
    """The values a form offers for the field `name`: its checkboxes or its select's options."""
    boxes = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    values = {re.search(r'value="([^"]*)"', tag).group(1) for tag in boxes}
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        values |= set(re.findall(r'<option value="([^"]+)"', select.group(1)))
    return values


def ticked(html, name):
    tags = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    return {re.search(r'value="([^"]*)"', tag).group(1) for tag in tags if " checked" in tag}


def selected(html, name):
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    return set(re.findall(r'<option value="([^"]+)"[^>]*selected', select.group(1)))


def own(model, owner, name, **fields):
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return model.objects.create(owner=owner, slug=slug, name=name, **fields)


# The database ------------------------------------------------------------------------------


def test_it_hides_a_built_in_once_per_person(alice, bob):
    cold = builtin(Trigger, "cold")
    HiddenTrigger.objects.create(person=alice, trigger=cold)
    HiddenTrigger.objects.create(person=bob, trigger=cold)
    with pytest.raises(IntegrityError), transaction.atomic():
        HiddenTrigger.objects.create(person=alice, trigger=cold)
    heat = builtin(Intervention, "heat")
    HiddenIntervention.objects.create(person=alice, intervention=heat)
    with pytest.raises(IntegrityError), transaction.atomic():
        HiddenIntervention.objects.create(person=alice, intervention=heat)


def test_it_archives_only_own_items_in_the_database(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Trigger.objects.filter(slug="cold", owner=None).update(archived=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Intervention.objects.filter(slug="heat", owner=None).update(archived=True)
    mine = own(Trigger, alice, "Bus ride", archived=True)
    assert Trigger.objects.get(pk=mine.pk).archived


def test_it_hides_and_shows_again_only_built_ins(alice):
    cold = builtin(Trigger, "cold")
    assert hide_builtin(alice, cold, hidden=True)
    assert not hide_builtin(alice, cold, hidden=True)  # a second tap changes nothing
    assert list(Trigger.objects.hidden_from(alice)) == [cold]
    assert hide_builtin(alice, cold, hidden=False)
    assert not HiddenTrigger.objects.exists()
    with pytest.raises(ValueError, match="archived"):
        hide_builtin(alice, own(Trigger, alice, "Bus ride"), hidden=True)


def test_it_offers_what_is_not_hidden_or_archived_and_keeps_what_an_entry_names(alice, bob):
    cold, bladder = builtin(Trigger, "cold"), builtin(Trigger, "full-bladder")
    bus = own(Trigger, alice, "Bus ride", archived=True)
    hide_builtin(alice, cold, hidden=True)
    offered = set(Trigger.objects.offered_to(alice))
    assert bladder in offered
    assert cold not in offered
    assert bus not in offered
    assert {cold, bus} <= set(Trigger.objects.offered_to(alice, keep=[cold.pk, bus.pk]))
    assert {cold, bus} <= set(Trigger.objects.available_to(alice))  # history and filters
    assert cold in set(Trigger.objects.by_use(bob))  # hidden for alice only


# Forms: new entries leave them out, old entries keep them ----------------------------------


def test_it_leaves_hidden_and_archived_items_off_a_new_entry(alice_client, alice):
    cold, heat = builtin(Trigger, "cold"), builtin(Intervention, "heat")
    bus = own(Trigger, alice, "Bus ride")
    walk = own(Intervention, alice, "Short walk")
    for kind in ("spasm", "pain"):
        html = alice_client.get(reverse("diary:new", args=[kind])).text
        assert {str(cold.pk), str(bus.pk)} <= choices(html, "triggers")
        assert {str(heat.pk), str(walk.pk)} <= choices(html, "tried-0-intervention")
    hide_builtin(alice, cold, hidden=True)
    hide_builtin(alice, heat, hidden=True)
    Trigger.objects.filter(pk=bus.pk).update(archived=True)
    Intervention.objects.filter(pk=walk.pk).update(archived=True)
    for kind in ("spasm", "pain"):
        html = alice_client.get(reverse("diary:new", args=[kind])).text
        assert str(builtin(Trigger, "full-bladder").pk) in choices(html, "triggers")
        assert not {str(cold.pk), str(bus.pk)} & choices(html, "triggers"), kind
        assert not {str(heat.pk), str(walk.pk)} & choices(html, "tried-0-intervention"), kind
        assert "Bus ride" not in html
        assert "Short walk" not in html


def test_it_refuses_a_hidden_item_sent_for_a_new_entry(alice_client, alice):
    cold = builtin(Trigger, "cold")
    hide_builtin(alice, cold, hidden=True)
    data = {
        "when": "now",
        "triggers": [cold.pk],
        "tried-TOTAL_FORMS": "0",
        "tried-INITIAL_FORMS": "0",
    }
    response = alice_client.post(reverse("diary:new", args=["spasm"]), data)
    assert response.status_code == 200
    assert "That answer is not on the list any more." in response.text
    assert not SpasmEpisode.objects.exists()


def test_it_keeps_a_hidden_or_archived_item_on_an_old_entry_and_its_edit(alice_client, alice):
    cold, heat = builtin(Trigger, "cold"), builtin(Intervention, "heat")
    bus = own(Trigger, alice, "Bus ride")
    walk = own(Intervention, alice, "Short walk")
    entry = pain(alice, occurred_at=NOW - timedelta(hours=2))
    entry.triggers.add(cold, bus)
    entry.uses.create(intervention=heat, effect="helped-a-lot")
    entry.uses.create(intervention=walk, effect="no-change")
    hide_builtin(alice, cold, hidden=True)
    hide_builtin(alice, heat, hidden=True)
    Trigger.objects.filter(pk=bus.pk).update(archived=True)
    Intervention.objects.filter(pk=walk.pk).update(archived=True)

    history = alice_client.get(reverse("diary:history")).text
    for name in ("Cold", "Bus ride", "Heat", "Short walk"):
        assert name in history, name

    url = reverse("diary:edit", args=["pain", entry.pk])
    html = alice_client.get(url).text
    assert ticked(html, "triggers") >= {str(cold.pk), str(bus.pk)}
    assert selected(html, "tried-0-intervention") == {str(heat.pk)}
    assert selected(html, "tried-1-intervention") == {str(walk.pk)}
    # The empty rows for more do not offer them.
    assert not {str(heat.pk), str(walk.pk)} & choices(html, "tried-2-intervention")

    # Saving the edit as it stands keeps all four.
    use_ids = list(entry.uses.order_by("pk").values_list("pk", flat=True))
    data = {
        "version": entry.version,
        "when": "saved",
        "intensity": "6",
        "pain_type": "unknown",
        "triggers": [cold.pk, bus.pk],
        "tried-TOTAL_FORMS": "2",
        "tried-INITIAL_FORMS": "2",
        "tried-0-id": use_ids[0],
        "tried-0-intervention": heat.pk,
        "tried-0-effect": "helped-a-lot",
        "tried-1-id": use_ids[1],
        "tried-1-intervention": walk.pk,
        "tried-1-effect": "no-change",
    }
    response = alice_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = LegPainEntry.objects.get(pk=entry.pk)
    assert entry.intensity == 6
    assert set(entry.triggers.all()) == {cold, bus}
    assert {use.intervention for use in entry.uses.all()} == {heat, walk}


def test_it_leaves_hidden_and_archived_items_out_of_same_as_last_time(alice_client, alice):
    cold, bladder = builtin(Trigger, "cold"), builtin(Trigger, "full-bladder")
    heat, stretching = builtin(Intervention, "heat"), builtin(Intervention, "stretching")
    bus = own(Trigger, alice, "Bus ride")
    last = spasm(alice, occurred_at=NOW - timedelta(days=1))
    last.triggers.add(cold, bladder, bus)
    last.uses.create(intervention=heat, effect="helped-a-lot")
    last.uses.create(intervention=stretching, effect="helped-a-lot")
    hide_builtin(alice, cold, hidden=True)
    hide_builtin(alice, heat, hidden=True)
    Trigger.objects.filter(pk=bus.pk).update(archived=True)
    html = alice_client.get(reverse("diary:new", args=["spasm"])).text
    assert f'data-same-triggers="{bladder.pk}"' in html
    same_tried = re.search(r'data-same-tried="([^"]*)"', html).group(1)
    assert f"&quot;intervention&quot;: {stretching.pk}," in same_tried
    assert f"&quot;intervention&quot;: {heat.pk}," not in same_tried
    usual = re.search(r"data-usual-tried.*?</div>\s*</div>", html, re.S).group()
    assert "Stretching" in usual
    assert ">Heat<" not in usual


# My lists: rename, archive, hide ----------------------------------------------------------


def test_it_renames_an_own_item_and_old_entries_show_the_new_name(alice_client, alice):
    bus = own(Trigger, alice, "Bus ride")
    spasm(alice).triggers.add(bus)
    url = reverse("diary:rename_item", args=["triggers", bus.pk])
    page = alice_client.get(url).text
    assert "Rename “Bus ride”" in page
    assert 'value="Bus ride"' in page
    response = alice_client.post(url, {"name": "  Bumpy bus ride "}, follow=True)
    assert "“Bus ride” is now called “Bumpy bus ride”, on your old entries too." in response.text
    bus.refresh_from_db()
    assert (bus.name, bus.slug) == ("Bumpy bus ride", "bus-ride")  # the slug stays
    assert "Bumpy bus ride" in alice_client.get(reverse("diary:history")).text


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Fill this in."),
        ("   ", "Fill this in."),
        ("!!!", "Use at least one letter or number."),
        ("COLD", "That is already on your list."),
        (
            "urinary tract INFECTION",
            "That is a built-in one you hid: choose “Show again” under “Built-in” instead.",
        ),
        ("long drive", "That is already on your list."),
        ("Old one", "You have that one archived: bring it back under “Archived” instead."),
        ("x" * 81, "Keep this to 80 characters or fewer (it has 81)."),
    ],
)
def test_it_refuses_a_rename_that_is_empty_or_taken(alice_client, alice, bob, name, error):
    bus = own(Trigger, alice, "Bus ride")
    own(Trigger, alice, "Long drive")
    own(Trigger, alice, "Old one", archived=True)
    own(Trigger, bob, "Bobs one")
    hide_builtin(alice, builtin(Trigger, "uti"), hidden=True)
    response = alice_client.post(
        reverse("diary:rename_item", args=["triggers", bus.pk]), {"name": name}
    )
    assert response.status_code == 200
    assert error in response.text
    bus.refresh_from_db()
    assert bus.name == "Bus ride"


def test_it_lets_a_rename_change_only_the_case_and_takes_another_persons_name(
    alice_client, alice, bob
):
    bus = own(Trigger, alice, "Bus ride")
    own(Trigger, bob, "Tram ride")
    url = reverse("diary:rename_item", args=["triggers", bus.pk])
    assert alice_client.post(url, {"name": "Bus Ride"}).status_code == 302
    assert alice_client.post(url, {"name": "Tram ride"}).status_code == 302
    bus.refresh_from_db()
    assert bus.name == "Tram ride"
    # A built-in's slug (its own slug stays) and an intervention's name are free for a trigger.
    for name in ("uti", "Heat"):
        assert alice_client.post(url, {"name": name}).status_code == 302
        bus.refresh_from_db()
        assert (bus.name, bus.slug) == (name, "bus-ride")


def test_it_adds_a_new_item_whose_slug_a_renamed_one_kept(alice_client, alice):
    bus = own(Trigger, alice, "Bus ride")
    alice_client.post(reverse("diary:rename_item", args=["triggers", bus.pk]), {"name": "Coach"})
    data = {"trigger-name": "Bus ride", "trigger-category": "movement", "add_trigger": ""}
    response = alice_client.post(reverse("diary:own_items"), data, follow=True)
    assert "“Bus ride” is added to your list." in response.text
    assert dict(Trigger.objects.filter(owner=alice).values_list("slug", "name")) == {
        "bus-ride": "Coach",
        "bus-ride-2": "Bus ride",
    }


def test_it_archives_an_own_item_and_brings_it_back(alice_client, alice):
    walk = own(Intervention, alice, "Short walk")
    page = alice_client.get(reverse("diary:own_items")).text
    assert reverse("diary:archive_item", args=["interventions", walk.pk]) in page
    response = alice_client.post(
        reverse("diary:archive_item", args=["interventions", walk.pk]), follow=True
    )
    assert "“Short walk” is archived" in response.text
    assert "Bring back<span" in response.text
    assert Intervention.objects.get(pk=walk.pk).archived
    response = alice_client.post(
        reverse("diary:bring_back_item", args=["interventions", walk.pk]), follow=True
    )
    assert "“Short walk” is back on your list." in response.text
    assert not Intervention.objects.get(pk=walk.pk).archived


def test_it_hides_a_built_in_and_shows_it_again_from_my_lists(alice_client, alice):
    page = alice_client.get(reverse("diary:own_items")).text
    assert "Hide the ones you never need" in page
    response = alice_client.post(reverse("diary:hide_item", args=["triggers", "cold"]), follow=True)
    assert "“Cold” is hidden from your forms" in response.text
    assert "1 hidden from your forms." in response.text
    assert reverse("diary:show_item", args=["triggers", "cold"]) in response.text
    assert HiddenTrigger.objects.filter(person=alice, trigger__slug="cold").count() == 1
    # A second tap (another tab) changes nothing and breaks nothing.
    alice_client.post(reverse("diary:hide_item", args=["triggers", "cold"]))
    assert HiddenTrigger.objects.filter(person=alice).count() == 1
    response = alice_client.post(reverse("diary:show_item", args=["triggers", "cold"]), follow=True)
    assert "“Cold” is back in your forms." in response.text
    assert not HiddenTrigger.objects.exists()
    alice_client.post(reverse("diary:hide_item", args=["interventions", "heat"]))
    assert HiddenIntervention.objects.filter(person=alice, intervention__slug="heat").exists()


def test_it_reaches_only_the_persons_own_items_and_built_ins(alice_client, alice, bob):
    bobs = own(Trigger, bob, "Bobs one")
    for name in ("rename_item", "archive_item", "bring_back_item"):
        response = alice_client.post(reverse(f"diary:{name}", args=["triggers", bobs.pk]))
        assert response.status_code == 404, name
        # A built-in is no one's own: it is hidden, never renamed or archived.
        cold = builtin(Trigger, "cold")
        assert (
            alice_client.post(reverse(f"diary:{name}", args=["triggers", cold.pk])).status_code
            == 404
        )
    # Bob's own item is not a built-in to hide, and no list is called "spasms".
    assert (
        alice_client.post(reverse("diary:hide_item", args=["triggers", bobs.slug])).status_code
        == 404
    )
    assert alice_client.post(reverse("diary:hide_item", args=["spasms", "cold"])).status_code == 404
    bobs.refresh_from_db()
    assert (bobs.name, bobs.archived) == ("Bobs one", False)
    assert not HiddenTrigger.objects.exists()
    # The actions change things: a GET is refused.
    for name, args in (
        ("archive_item", ["triggers", bobs.pk]),
        ("bring_back_item", ["triggers", bobs.pk]),
        ("hide_item", ["triggers", "cold"]),
        ("show_item", ["triggers", "cold"]),
    ):
        assert alice_client.get(reverse(f"diary:{name}", args=args)).status_code == 405


def test_it_keeps_my_lists_to_the_person_not_their_carer_or_clinician(client, alice):
    """Only the person manages their lists ("manage" is theirs alone): a carer or clinician
    with access has no address to reach them, and their own lists are their own."""
    bus = own(Trigger, alice, "Bus ride")
    for name, role in (("cara", "carer"), ("dr_lee", "clinician")):
        member = make_user(name, is_clinician=role == "clinician")
        CareAccess.objects.create(
            person=alice, email=member.email, role=role, member=member, accepted_at=timezone.now()
        )
        client.force_login(member)
        for url in (
            reverse("diary:archive_item", args=["triggers", bus.pk]),
            reverse("diary:rename_item", args=["triggers", bus.pk]),
            f"/people/{alice.pk}/log/my-lists/",
            f"/people/{alice.pk}/log/my-lists/triggers/built-in/cold/hide/",
        ):
            assert client.post(url, {"name": "Theirs"}).status_code == 404, (name, url)
        # Hiding "Cold" here hides it in their own lists, never alice's.
        client.post(reverse("diary:hide_item", args=["triggers", "cold"]))
        assert not HiddenTrigger.objects.filter(person=alice).exists()
        assert HiddenTrigger.objects.filter(person=member).exists()
    bus.refresh_from_db()
    assert (bus.name, bus.archived) == ("Bus ride", False)


def test_it_shows_hidden_built_ins_and_archived_items_in_the_admin(client, staff, alice):
    hide_builtin(alice, builtin(Trigger, "cold"), hidden=True)
    own(Trigger, alice, "Bus ride", archived=True)
    client.force_login(staff)
    hidden = client.get(reverse("admin:diary_hiddentrigger_changelist"))
    assert "Cold hidden by" in hidden.text
    archived = client.get(reverse("admin:diary_trigger_changelist") + "?archived__exact=1")
    assert "Bus ride" in archived.text
    assert ">Cold<" not in archived.text


def test_it_shows_my_lists_in_the_same_queries_however_long_they_are(alice_client, alice):
    def queries():
        with CaptureQueriesContext(connection) as done:
            page = alice_client.get(reverse("diary:own_items")).text
        return page, len(diary_queries(done))

    own(Trigger, alice, "Mine 0")
    hide_builtin(alice, builtin(Trigger, "cold"), hidden=True)
    page, few = queries()
    assert "1 hidden from your forms." in page
    for n in range(1, 9):
        own(Trigger, alice, f"Mine {n}", archived=n % 2 == 1)
        own(Intervention, alice, f"Tried {n}")
        hide_builtin(alice, Trigger.objects.filter(owner=None).order_by("pk")[n], hidden=True)
    page, many = queries()
    assert "Mine 8" in page
    assert many == few


def test_it_numbers_a_long_slug_within_the_column(alice_client, alice):
    Trigger.objects.create(owner=alice, slug="a" * 60, name="Renamed since")
    data = {"trigger-name": "A" * 70, "trigger-category": "other", "add_trigger": ""}
    alice_client.post(reverse("diary:own_items"), data)
    assert Trigger.objects.get(owner=alice, name="A" * 70).slug == "a" * 58 + "-2"


def test_it_shows_built_ins_in_the_language_and_own_items_as_typed(alice_client, alice):
    # A built-in item's English name is its message id; what the person typed is never looked
    # up, even when it reads like a built-in's name.
    own(Trigger, alice, "Cold")
    spanish = {"Cold": "Frío"}
    with patch("sci_tracker.diary.models.entries.gettext", lambda text: spanish.get(text, text)):
        page = alice_client.get(reverse("diary:own_items")).text
        assert str(builtin(Trigger, "cold")) == "Frío"
    assert re.search(r'id="builtin-triggers-cold">\s*<span>Frío<', page)
    assert re.search(r'id="item-triggers-\d+">\s*<span>Cold <', page)
    assert "<span>Cold<" not in page
