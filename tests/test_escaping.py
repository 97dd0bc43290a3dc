"""Text people type is shown as text: markup in a note, a name or a label never becomes markup."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sci_tracker.diary.models import Intervention, InterventionUse, PainProblem, SpasmEpisode
from sci_tracker.sharing.models import ReviewNote, ShareLink
from tests.entries import event, pain
from tests.test_authorization import PAGES, PATTERNS, ROLES, address, client_for, world  # noqa: F401

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def hostile_world(db, request):
    """Alice's diary with markup typed into every free-text field that a page shows."""
    diary = request.getfixturevalue("world")
    alice = diary["accounts"]["alice"]
    alice.display_name = HOSTILE[:60]
    alice.save()
    yesterday = timezone.now() - timedelta(days=1)
    problem = PainProblem.objects.create(owner=alice, slot=1, name=HOSTILE[:60])
    # A clinician's name as a confirmed pain type keeps it (an imported one comes from a file).
    PainProblem.objects.filter(pk=problem.pk).update(
        confirmed_type="visceral", confirmed_by_name=HOSTILE[:120], confirmed_at=timezone.now()
    )
    own = Intervention.objects.create(owner=alice, slug="own-thing", name=HOSTILE[:80])
    entry = pain(alice, occurred_at=yesterday, problem=problem, note=HOSTILE)
    entry.note_for_clinician = True
    entry.save()
    InterventionUse.objects.create(intervention=own, pain=entry, dose=HOSTILE[:60])
    SpasmEpisode.objects.filter(owner=alice).update(note=HOSTILE)
    event(alice, timezone.localdate(yesterday, alice.zone), details=HOSTILE[:200])
    clinician = diary["accounts"]["dr_okafor"]
    ReviewNote.objects.create(
        person=alice, author=clinician, author_name=HOSTILE[:60], text=HOSTILE
    )
    link, _ = ShareLink.make(alice, 7, label=HOSTILE[:60])
    return diary


ROLES_THAT_READ = [role for role in ROLES if role.name in ("owner", "carer", "live_link")] + [
    role for role in ROLES if role.name == "clinician_with_access"
]


@pytest.mark.parametrize("role", ROLES_THAT_READ, ids=lambda role: role.name)
def test_it_escapes_typed_text_on_every_page(hostile_world, role):
    client = client_for(role, hostile_world)
    shown = 0
    for pattern in PATTERNS:
        if PAGES[pattern.name].get != 200:
            continue
        response = client.get(address(pattern, role, hostile_world))
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.text
        where = f"{role.name} {pattern}"
        assert "<script>alert" not in html, where
        assert "<img src=x" not in html, where
        shown += "&lt;script&gt;alert(" in html
    assert shown >= 4, shown  # the hostile text did reach pages, escaped


def test_it_keeps_the_exact_text_in_the_exports(hostile_world):
    alice = hostile_world["accounts"]["alice"]
    client = Client()
    client.force_login(alice)
    response = client.get("/export/leg-pain.csv")
    text = b"".join(response).decode()
    assert HOSTILE in text or HOSTILE.replace('"', '""') in text
    backup = b"".join(client.get("/export/backup.json")).decode()
    assert '<script>alert(\\"x\\")</script>' in backup
    assert ESCAPED not in backup
