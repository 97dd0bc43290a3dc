"""What to tell a person who ticked a red-flag symptom: guidance to seek care, never a diagnosis.

The wording follows the project's clinical reference. Autonomic dysreflexia is only named for
injuries at T6 or above, or when the level is not known.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sci_tracker.diary.models import RedFlag


@dataclass(frozen=True)
class UrgentAdvice:
    heading: str
    text: str
    action: str
    guide: str  # the red-flags guide section: "page#anchor"
    card: bool = False  # the urgent page links to the AD safety card beside this advice


AUTONOMIC_DYSREFLEXIA = UrgentAdvice(
    heading=_("This may be autonomic dysreflexia: a medical emergency"),
    text=_(
        "A pounding headache with flushing or sweating above your injury can mean your blood "
        "pressure is rising fast. A full bladder or bowel often sets it off."
    ),
    action=_(
        "Sit upright now, loosen anything tight, and check your bladder and bowel. If it "
        "does not ease quickly, call your emergency number and say you have a spinal cord "
        "injury and may have autonomic dysreflexia."
    ),
    guide="red-flags#autonomic-dysreflexia",
    card=True,
)
HEADACHE_WITHOUT_AD_RISK = UrgentAdvice(
    heading=_("Get medical advice today"),
    text=_("A pounding headache with flushing or sweating is a sign to check with a doctor."),
    action=_(
        "Contact your doctor or an urgent care service today. If it is sudden and severe, "
        "call your emergency number."
    ),
    guide="red-flags#if-in-doubt",
)
# Fever for someone without a baclofen pump: the pump's lines are left out (see urgent_advice).
FEVER_WITHOUT_PUMP = UrgentAdvice(
    heading=_("Fever needs checking today"),
    text=_(
        "A fever or chills can mean an infection, such as a bladder or skin infection, which "
        "often makes spasms worse."
    ),
    action=_(
        "Contact your doctor today. If you also feel very unwell or confused, call your "
        "emergency number."
    ),
    guide="red-flags#fever",
)
ADVICE = {
    RedFlag.LEG_SWOLLEN: UrgentAdvice(
        heading=_("This may be a blood clot (deep vein thrombosis)"),
        text=_(
            "One leg that is swollen, red or warm can mean a clot in a deep vein, even when you "
            "feel no pain."
        ),
        action=_(
            "Contact your doctor or an urgent care service today. Do not massage the leg. If "
            "you also have chest pain or sudden breathlessness, call your emergency number now."
        ),
        guide="red-flags#dvt-and-pulmonary-embolism",
    ),
    RedFlag.CHEST: UrgentAdvice(
        heading=_("Call your emergency number now"),
        text=_(
            "Chest pain or sudden breathlessness can mean a blood clot has reached the lungs "
            "(pulmonary embolism). This is an emergency."
        ),
        action=_("Call your emergency number now. Say you have a spinal cord injury."),
        guide="red-flags#dvt-and-pulmonary-embolism",
    ),
    RedFlag.FEVER: UrgentAdvice(
        heading=_("Fever needs checking today"),
        text=_(
            "A fever or chills can mean an infection, such as a bladder or skin infection, which "
            "often makes spasms worse. If you have a baclofen pump, fever can also be a sign of "
            "withdrawal."
        ),
        action=_(
            "Contact your doctor today. If you have a baclofen pump and also feel confused, "
            "itchy or much stiffer than usual, call your emergency number now."
        ),
        guide="red-flags#fever",
    ),
    RedFlag.PUMP_ALARM: UrgentAdvice(
        heading=_("A pump alarm is urgent"),
        text=_(
            "A baclofen pump alarm can mean the pump is low or not working. Stopping baclofen "
            "suddenly can cause dangerous withdrawal."
        ),
        action=_(
            "Call your pump team now. If you have fever, confusion, itching or strong rebound "
            "stiffness, call your emergency number."
        ),
        guide="red-flags#baclofen-pump-withdrawal",
    ),
    # A syrinx or pressure on the cord can show years after the injury; sudden loss, or loss of
    # bladder or bowel control, cannot wait for a clinic appointment.
    RedFlag.NEW_WEAKNESS: UrgentAdvice(
        heading=_("New weakness or numbness needs checking soon"),
        text=_(
            "New or spreading weakness or numbness, or a change in bladder or bowel control, can "
            "mean a change in the spinal cord: for example a cyst in the cord (called a syrinx) "
            "or pressure on the cord."
        ),
        action=_(
            "Contact your SCI team or doctor soon to have it checked; do not wait for your next "
            "routine visit. If it came on suddenly, or you have lost control of your bladder or "
            "bowel, call your emergency number now and say you have a spinal cord injury."
        ),
        guide="red-flags#new-weakness-or-numbness",
    ),
}


# What each symptom may mean, for the clinician's report: a "possible", never a diagnosis.
MAY_MEAN = {
    RedFlag.LEG_SWOLLEN: _("possible deep vein thrombosis"),
    RedFlag.CHEST: _("possible pulmonary embolism"),
    RedFlag.PUMP_ALARM: _("possible pump fault, with a risk of baclofen withdrawal"),
    RedFlag.NEW_WEAKNESS: _("possible change in the spinal cord, such as a syrinx"),
}


def may_mean(flag: str, person) -> str:
    """What a ticked symptom may mean for this person, or "" when nothing can be said: signs
    of autonomic dysreflexia only at T6 or above (or a level not known), as urgent_advice."""
    if flag == RedFlag.AD_SIGNS:
        return str(_("possible autonomic dysreflexia")) if person.ad_risk else ""
    if flag == RedFlag.FEVER:
        if person.has_baclofen_pump:
            return str(_("possible infection, or baclofen withdrawal"))
        return str(_("possible infection"))
    return str(MAY_MEAN.get(flag, ""))


def urgent_advice(red_flags, person):
    """The advice for each ticked symptom, most urgent first."""
    advice = []
    for flag in (
        RedFlag.CHEST,
        RedFlag.AD_SIGNS,
        RedFlag.PUMP_ALARM,
        RedFlag.NEW_WEAKNESS,
        RedFlag.LEG_SWOLLEN,
        RedFlag.FEVER,
    ):
        if flag not in red_flags:
            continue
        if flag == RedFlag.AD_SIGNS:
            advice.append(AUTONOMIC_DYSREFLEXIA if person.ad_risk else HEADACHE_WITHOUT_AD_RISK)
        elif flag == RedFlag.FEVER and not person.has_baclofen_pump:
            advice.append(FEVER_WITHOUT_PUMP)
        else:
            advice.append(ADVICE[flag])
    return advice


def symptom_guides(flags=tuple(RedFlag)):
    """(symptom, guide section) for each red-flag symptom, for the diary forms' "Learn more"."""
    advice = {**ADVICE, RedFlag.AD_SIGNS: AUTONOMIC_DYSREFLEXIA}
    return [(flag.label, advice[flag].guide) for flag in RedFlag if flag in flags]


def offered_flags(person, ticked=()):
    """The red-flag symptoms a form offers the person: the pump alarm only to someone with a
    baclofen pump, or on an entry that already has it ticked (an edit keeps it)."""
    return [
        flag
        for flag in RedFlag
        if flag != RedFlag.PUMP_ALARM or person.has_baclofen_pump or flag in ticked
    ]
