"""The AD safety card and the pump reminders: what the safety profile (accounts.User) is for.

The card is for whoever is with the person when autonomic dysreflexia (AD) strikes: who they
are, their injury, their usual blood pressure, what AD is, the first steps in order, their
medicines and who to call. It exists only for a person with an AD risk (accounts.User.ad_risk:
an injury at T6 or above, or a level not given); for anyone else its pages answer 404.

The steps follow the project's clinical reference (the Consortium for Spinal Cord Medicine's AD
guideline): sit up and lower the legs, loosen anything tight, the bladder and catheter, then the
bowel, recheck the pressure every 2-5 minutes, call for help if it does not come down.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from sci_tracker.accounts.models import NOT_SURE

AD_IN_ONE_LINE = _(
    "Autonomic dysreflexia (AD) is a sudden, dangerous rise in blood pressure after a spinal "
    "cord injury. It is a medical emergency."
)
STEPS = (
    _("Sit me up straight and lower my legs."),
    _("Loosen anything tight: clothes, straps, a leg bag strap."),
    _("Check my catheter and its tubing for kinks, and empty my bladder."),
    _("Then check my bowel."),
    _("With a cuff, check my blood pressure every 2 to 5 minutes."),
    _("If it does not come down, call the emergency number."),
)
WHAT_TO_SAY = _("Tell them: “spinal cord injury, possible autonomic dysreflexia.”")

# A refill or alarm this many days ahead (or already passed) shows on the home page.
PUMP_NOTICE_DAYS = 7


@dataclass(frozen=True)
class SafetyCard:
    """The card's contents; a value left empty is None (the page asks for it)."""

    name: str
    injury_level: str | None
    ais_grade: str | None
    usual_pressure: str | None  # "100/65"
    raised_from: int | None  # the upper number that counts as raised for this person
    medicines: str | None
    contact_name: str | None
    contact_phone: str | None

    @property
    def has_gaps(self) -> bool:
        return None in (
            self.injury_level,
            self.usual_pressure,
            self.medicines,
            self.contact_name,
            self.contact_phone,
        )


def card_for(person) -> SafetyCard | None:
    """The person's card, or None when AD is not a risk for them (no card at all)."""
    if not person.ad_risk:
        return None
    has_pressure = person.usual_systolic is not None and person.usual_diastolic is not None
    return SafetyCard(
        name=person.name,
        injury_level=None if person.injury_level == NOT_SURE else person.injury_level,
        ais_grade=None if person.completeness == NOT_SURE else f"AIS {person.completeness}",
        usual_pressure=(
            f"{person.usual_systolic}/{person.usual_diastolic}" if has_pressure else None
        ),
        raised_from=person.usual_systolic + person.RAISED_BY if has_pressure else None,
        medicines=person.card_medicines.strip() or None,
        contact_name=person.emergency_contact_name.strip() or None,
        contact_phone=person.emergency_contact_phone.strip() or None,
    )


@dataclass(frozen=True)
class PumpReminder:
    what: str  # "refill" or "alarm"
    day: date
    days_away: int  # negative once the day has passed


def pump_reminders(person, today: date | None = None) -> list[PumpReminder]:
    """The pump's refill and alarm dates that are within PUMP_NOTICE_DAYS of `today` (the
    person's own day) or already passed, soonest first; none without the pump."""
    if not person.has_baclofen_pump:
        return []
    today = today or person.local_today()
    reminders = [
        PumpReminder(what, day, (day - today).days)
        for what, day in (("refill", person.pump_refill_date), ("alarm", person.pump_alarm_date))
        if day is not None and day <= today + timedelta(days=PUMP_NOTICE_DAYS)
    ]
    return sorted(reminders, key=lambda reminder: reminder.day)
