"""The built-in triggers and interventions, from the project's clinical reference.

Each has a stable slug (exports and imports use it), a category, and the guide section that
explains it ("page-slug#anchor"). A data migration loads them with `sync_catalogue`; to change the
catalogue, edit these lists and add a migration that calls it again.
"""

from dataclasses import dataclass

TRIGGERS = [
    # slug, name, category, guide section
    ("full-bladder", "Full bladder", "bladder", "why-spasms-happen#trigger-bladder"),
    ("uti", "Urinary tract infection", "bladder", "why-spasms-happen#trigger-bladder"),
    ("constipation", "Constipation or impaction", "bowel", "why-spasms-happen#trigger-bowel"),
    ("haemorrhoids", "Haemorrhoids", "bowel", "why-spasms-happen#trigger-bowel"),
    ("skin-irritation", "Skin irritation", "skin", "why-spasms-happen#trigger-skin"),
    ("pressure-injury", "Pressure injury or sore", "skin", "why-spasms-happen#trigger-skin"),
    ("ingrown-toenail", "Ingrown toenail", "skin", "why-spasms-happen#trigger-skin"),
    ("wound", "Wound or cut", "skin", "why-spasms-happen#trigger-skin"),
    (
        "tight-clothing",
        "Tight clothing or straps",
        "clothing",
        "why-spasms-happen#trigger-clothing",
    ),
    ("cold", "Cold", "temperature", "why-spasms-happen#trigger-cold"),
    (
        "position-change",
        "Position change or transfer",
        "movement",
        "why-spasms-happen#trigger-movement",
    ),
    (
        "stretching-movement",
        "Stretching or movement",
        "movement",
        "why-spasms-happen#trigger-movement",
    ),
    ("illness", "Infection or illness", "illness", "why-spasms-happen#trigger-illness"),
    (
        "hidden-injury",
        "Fracture or injury below the injury level",
        "injury",
        "why-spasms-happen#trigger-hidden-injury",
    ),
    ("stress", "Emotional stress", "emotional", "why-spasms-happen#trigger-stress"),
    ("menstrual-cycle", "Menstrual cycle", "hormonal", "why-spasms-happen#trigger-menstrual-cycle"),
    ("fatigue", "Fatigue", "activity", "why-spasms-happen#trigger-fatigue-overuse"),
    ("overuse", "Overuse", "activity", "why-spasms-happen#trigger-fatigue-overuse"),
    ("inactivity", "Long inactivity", "activity", "why-spasms-happen#trigger-inactivity"),
]

INTERVENTIONS = [
    ("stretching", "Stretching or range of motion", "physical", "managing-spasms#stretching"),
    (
        "standing-frame",
        "Standing frame or long stretch",
        "physical",
        "managing-spasms#standing-frame",
    ),
    ("exercise", "Physical therapy exercise", "physical", "managing-spasms#physical-therapy"),
    (
        "electrical-stimulation",
        "Electrical stimulation (FES, TENS)",
        "physical",
        "managing-leg-pain#electrical-stimulation",
    ),
    ("massage", "Massage", "physical", "managing-spasms#massage"),
    ("heat", "Heat", "physical", "managing-leg-pain#heat"),
    ("cold-pack", "Cold", "physical", "managing-leg-pain#cold"),
    ("brace", "Orthotics, brace or splint", "equipment", "managing-spasms#orthotics-braces"),
    ("rest", "Rest", "lifestyle", "managing-leg-pain#rest"),
    ("diet", "Diet or weight management", "lifestyle", "managing-leg-pain#diet-and-weight"),
    ("baclofen", "Baclofen (tablets)", "medicine", "managing-spasms#medicines"),
    ("tizanidine", "Tizanidine", "medicine", "managing-spasms#medicines"),
    ("dantrolene", "Dantrolene", "medicine", "managing-spasms#medicines"),
    ("gabapentin", "Gabapentin", "medicine", "managing-leg-pain#medicines"),
    ("pregabalin", "Pregabalin", "medicine", "managing-leg-pain#medicines"),
    ("painkiller", "Over-the-counter painkiller", "medicine", "managing-leg-pain#medicines"),
    ("topical-cream", "Topical cream", "medicine", "managing-leg-pain#medicines"),
    (
        "botulinum-toxin",
        "Botulinum toxin injection",
        "procedure",
        "managing-spasms#botulinum-toxin",
    ),
    ("baclofen-pump", "Intrathecal baclofen pump", "procedure", "managing-spasms#baclofen-pump"),
    ("surgery", "Surgery (rhizotomy, tendon lengthening)", "procedure", "managing-spasms#surgery"),
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
            sections.setdefault(guide, []).append(name)
    return LearnMore(about, [(names, guide) for guide, names in sections.items()])


def sync_catalogue(trigger_model, intervention_model):
    """Create or update the built-in items by slug; users' own items are left alone."""
    for model, rows in ((trigger_model, TRIGGERS), (intervention_model, INTERVENTIONS)):
        for slug, name, category, guide in rows:
            model.objects.update_or_create(
                owner=None, slug=slug, defaults={"name": name, "category": category, "guide": guide}
            )
