"""The built-in triggers and interventions, from the project's clinical reference.

Each has a stable slug (exports and imports use it), a category, and the guide section that
explains it ("page-slug#anchor"). A data migration loads them with `sync_catalogue`; to change the
catalogue, edit these lists and add a migration that calls it again.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

# The names are stored in English (the database and the backups keep one name); marked here so
# a translation has them, and shown translated through CatalogueItem.label.
TRIGGERS = [
    # slug, name, category, guide section
    ("full-bladder", gettext_noop("Full bladder"), "bladder", "why-spasms-happen#trigger-bladder"),
    (
        "uti",
        gettext_noop("Urinary tract infection"),
        "bladder",
        "why-spasms-happen#trigger-bladder",
    ),
    (
        "constipation",
        gettext_noop("Constipation or impaction"),
        "bowel",
        "why-spasms-happen#trigger-bowel",
    ),
    ("haemorrhoids", gettext_noop("Haemorrhoids"), "bowel", "why-spasms-happen#trigger-bowel"),
    ("skin-irritation", gettext_noop("Skin irritation"), "skin", "why-spasms-happen#trigger-skin"),
    (
        "pressure-injury",
        gettext_noop("Pressure injury or sore"),
        "skin",
        "why-spasms-happen#trigger-skin",
    ),
    ("ingrown-toenail", gettext_noop("Ingrown toenail"), "skin", "why-spasms-happen#trigger-skin"),
    ("wound", gettext_noop("Wound or cut"), "skin", "why-spasms-happen#trigger-skin"),
    (
        "tight-clothing",
        gettext_noop("Tight clothing or straps"),
        "clothing",
        "why-spasms-happen#trigger-clothing",
    ),
    ("cold", gettext_noop("Cold"), "temperature", "why-spasms-happen#trigger-cold"),
    (
        "position-change",
        gettext_noop("Position change or transfer"),
        "movement",
        "why-spasms-happen#trigger-movement",
    ),
    (
        "stretching-movement",
        gettext_noop("Stretching or movement"),
        "movement",
        "why-spasms-happen#trigger-movement",
    ),
    (
        "illness",
        gettext_noop("Infection or illness"),
        "illness",
        "why-spasms-happen#trigger-illness",
    ),
    (
        "hidden-injury",
        gettext_noop("Fracture or injury below the injury level"),
        "injury",
        "why-spasms-happen#trigger-hidden-injury",
    ),
    ("stress", gettext_noop("Emotional stress"), "emotional", "why-spasms-happen#trigger-stress"),
    (
        "menstrual-cycle",
        gettext_noop("Menstrual cycle"),
        "hormonal",
        "why-spasms-happen#trigger-menstrual-cycle",
    ),
    ("fatigue", gettext_noop("Fatigue"), "activity", "why-spasms-happen#trigger-fatigue-overuse"),
    ("overuse", gettext_noop("Overuse"), "activity", "why-spasms-happen#trigger-fatigue-overuse"),
    (
        "inactivity",
        gettext_noop("Long inactivity"),
        "activity",
        "why-spasms-happen#trigger-inactivity",
    ),
]

INTERVENTIONS = [
    (
        "stretching",
        gettext_noop("Stretching or range of motion"),
        "physical",
        "managing-spasms#stretching",
    ),
    (
        "standing-frame",
        gettext_noop("Standing frame or long stretch"),
        "physical",
        "managing-spasms#standing-frame",
    ),
    (
        "exercise",
        gettext_noop("Physical therapy exercise"),
        "physical",
        "managing-spasms#physical-therapy",
    ),
    (
        "electrical-stimulation",
        gettext_noop("Electrical stimulation (FES, TENS)"),
        "physical",
        "managing-leg-pain#electrical-stimulation",
    ),
    ("massage", gettext_noop("Massage"), "physical", "managing-spasms#massage"),
    ("heat", gettext_noop("Heat"), "physical", "managing-leg-pain#heat"),
    ("cold-pack", gettext_noop("Cold"), "physical", "managing-leg-pain#cold"),
    (
        "brace",
        gettext_noop("Orthotics, brace or splint"),
        "equipment",
        "managing-spasms#orthotics-braces",
    ),
    ("rest", gettext_noop("Rest"), "lifestyle", "managing-leg-pain#rest"),
    (
        "diet",
        gettext_noop("Diet or weight management"),
        "lifestyle",
        "managing-leg-pain#diet-and-weight",
    ),
    ("baclofen", gettext_noop("Baclofen (tablets)"), "medicine", "managing-spasms#medicines"),
    ("tizanidine", gettext_noop("Tizanidine"), "medicine", "managing-spasms#medicines"),
    ("dantrolene", gettext_noop("Dantrolene"), "medicine", "managing-spasms#medicines"),
    ("gabapentin", gettext_noop("Gabapentin"), "medicine", "managing-leg-pain#medicines"),
    ("pregabalin", gettext_noop("Pregabalin"), "medicine", "managing-leg-pain#medicines"),
    (
        "painkiller",
        gettext_noop("Over-the-counter painkiller"),
        "medicine",
        "managing-leg-pain#medicines",
    ),
    ("topical-cream", gettext_noop("Topical cream"), "medicine", "managing-leg-pain#medicines"),
    (
        "botulinum-toxin",
        gettext_noop("Botulinum toxin injection"),
        "procedure",
        "managing-spasms#botulinum-toxin",
    ),
    (
        "baclofen-pump",
        gettext_noop("Intrathecal baclofen pump"),
        "procedure",
        "managing-spasms#baclofen-pump",
    ),
    (
        "surgery",
        gettext_noop("Surgery (rhizotomy, tendon lengthening)"),
        "procedure",
        "managing-spasms#surgery",
    ),
]

# The guide section for each ISCI pain type (PainType's values). The leg-pain guide explains
# nerve pain and muscle and joint pain; the clinician guide explains the rest, under the
# kinds of pain.
PAIN_TYPE_GUIDES = {
    "musculoskeletal": "leg-pain-causes#muscle-and-joint-pain",
    "visceral": "using-with-your-clinician#organ-pain",
    "nociceptive-other": "using-with-your-clinician#other-tissue-pain",
    "neuropathic-at": "leg-pain-causes#at-level-nerve-pain",
    "neuropathic-below": "leg-pain-causes#below-level-nerve-pain",
    "neuropathic-other": "using-with-your-clinician#other-nerve-pain",
    "other": "using-with-your-clinician#other-or-unknown-pain",
    "unknown": "using-with-your-clinician#kinds-of-pain",
}


@dataclass(frozen=True)
class LearnMore:
    """The "Learn more" links under a group of choices: what they are about, and (names, guide
    section) for each section, so items explained in one section share one link."""

    about: str
    links: list


def learn_more(about, items):
    """From (name, guide section) pairs, in order; items without a section are left out."""
    sections = {}
    for name, guide in items:
        if guide:
            # A name read from the database (a str) is a built-in item's English name: only
            # built-in items have a guide section. Labels of choices come translated already.
            shown = gettext(name) if isinstance(name, str) else name
            sections.setdefault(guide, []).append(shown)
    return LearnMore(about, [(names, guide) for guide, names in sections.items()])


def sync_catalogue(trigger_model, intervention_model):
    """Create or update the built-in items by slug; users' own items are left alone."""
    for model, rows in ((trigger_model, TRIGGERS), (intervention_model, INTERVENTIONS)):
        for slug, name, category, guide in rows:
            model.objects.update_or_create(
                owner=None, slug=slug, defaults={"name": name, "category": category, "guide": guide}
            )
