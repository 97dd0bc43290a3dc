"""Say it: a dictated sentence in plain words, read into the entry it describes.

"bad spasm in my left leg ten minutes ago" becomes the data the spasm form would be sent, with
a list of what was understood and the words that were not. Times come from `dateparser` ("ten
minutes ago", "yesterday evening"); the rest is the app's own vocabulary: the catalogue's
triggers and interventions (the person's own items too, by name), their pain problems' names,
body sites, severity words and the check-in's Penn frequency wording.

Nothing is saved here: the reading is form data, and the web forms (diary.forms) judge and save
it, from the Log page's box or the API, so every rule (no future time, one check-in a day) is
written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import dateparser
from django.utils.translation import gettext as _

from sci_tracker.core.dates import short_day
from sci_tracker.diary.models import (
    BodyRegion,
    CheckIn,
    Effect,
    Intervention,
    PainProblem,
    PainQuality,
    PainSite,
    PainType,
    SpasmDuration,
    SpasmImpact,
    SpasmPattern,
    SpasmSeverity,
    Trigger,
)

# The form prefix of the things tried with a spasm or pain (diary.views._entry_forms).
TRIED = "tried"
MAX_LENGTH = 500

# The languages whose words this reader knows (the tables below are English). Pages in another
# language say so, and give their examples in English (diary/say_it_help.html).
READS_LANGUAGES = frozenset({"en"})
# The sentences the box offers as examples, one of each kind; a test reads each of them.
EXAMPLES = (
    "bad spasm in my left leg ten minutes ago",
    "pain 6, burning in both feet, after a transfer",
    "check-in: spasms more than once an hour, moderate",
)


def reads_language(code: str | None) -> bool:
    """Whether a sentence in language `code` ("es", "en-gb") can be read here."""
    return (code or "en").split("-")[0] in READS_LANGUAGES


NUMBER_WORDS = {
    "zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "ninety": 90,
}  # fmt: skip
TENS = "twenty|thirty|forty|fifty"
UNITS = "one|two|three|four|five|six|seven|eight|nine"

# Words that carry nothing on their own: never listed as not understood.
FILLER = frozenset(
    """a an the my his her their our in on of and i it was is were had have has with to at for
    me some its it's after when while during from because by just so very really quite bit got
    get this that then but there been be did do or as about around like felt feel feels
    i'm im am he she they we you your him them out up down again also still now today went
    think think's which where""".split()  # noqa: SIM905 - a list of words, read as one
)

# Kind words: the first one said wins between spasm and pain; a check-in wins over both.
CHECK_IN_WORDS = r"\b(?:daily\s+)?check[\s-]*in\b"
SPASM_WORDS = r"\b(?:spasms?|spasming|spasmed|jerks?|jerking|kicks?|kicked|clonus)\b"
PAIN_WORDS = (
    r"\b(?:(?:leg\s+)?pain(?:ful)?|hurts?|hurting|sore(?:ness)?|aches?|aching|burning|tingling|"
    r"pins and needles|shooting|electric(?: shocks?)?)\b"
)

SEVERITY_WORDS = [
    (SpasmSeverity.SEVERE, r"\b(?:really |very )?(?:bad|severe|strong|big|awful|terrible|"
     r"violent|huge|horrible|massive|nasty|intense)\b"),
    (SpasmSeverity.MODERATE, r"\b(?:moderate|medium|middling|fair|average|so-so)\b"),
    (SpasmSeverity.MILD, r"\b(?:mild|slight|small|little|light|minor|weak|tiny)\b"),
]  # fmt: skip
PATTERN_WORDS = [
    (SpasmPattern.CLONUS, r"\b(?:clonus|shaking|shook|bouncing|bounced|rhythmic\w*|trembl\w+)\b"),
    (SpasmPattern.STIFFNESS, r"\b(?:stiff\w*|tight(?:ened)?|rigid|locked|sustained)\b"),
    (SpasmPattern.JERKY, r"\b(?:jerk\w*|kick\w*|sudden\w*|jump\w*)\b"),
]
IMPACT_WORDS = [
    (SpasmImpact.WOKE_ME, r"\bwoke (?:me|him|her|them)(?: up)?\b"),
    (SpasmImpact.FALL, r"\b(?:(?:nearly|almost) )?(?:fell|fall|falling)(?: over| out)?\b"),
    (SpasmImpact.FAILED_TRANSFER, r"\b(?:failed (?:a |my )?transfer|transfer failed|"
     r"(?:could ?n[o']?t|couldn't|could not) (?:do (?:the|my) )?transfer)\b"),
    (SpasmImpact.HELPED_STANDING, r"\bhelped (?:me |him |her )?(?:to )?stand(?: up)?\b"),
    (SpasmImpact.HELPED_TRANSFER, r"\bhelped (?:me |him |her )?(?:with )?(?:a |my |the )?"
     r"transfer\b"),
]  # fmt: skip
EFFECT_WORDS = [
    (Effect.HELPED_A_LOT, r"\b(?:it )?helped a lot\b|\bworked (?:well|great)\b"),
    (Effect.HELPED_A_LITTLE, r"\b(?:it )?helped (?:a (?:little|bit)|slightly|some)\b"),
    (Effect.NO_CHANGE, r"\b(?:did ?n[o']?t|didn't|did not) help\b|\bno change\b|\bdid nothing\b"),
    (Effect.WORSE, r"\bmade (?:it|them) worse\b"),
]
QUALITY_WORDS = [
    (PainQuality.BURNING, r"\bburn\w*\b"),
    (PainQuality.TINGLING, r"\btingl\w*\b|\bpins and needles\b"),
    (PainQuality.SHOOTING, r"\bshoot\w*\b|\bstabbing\b"),
    (PainQuality.ELECTRIC, r"\belectric(?:al)?(?: shocks?)?\b|\bzapping\b"),
    (PainQuality.ACHING, r"\bach\w*\b|\bsore\b|\bthrobbing\b"),
    (PainQuality.CRAMPING, r"\bcramp\w*\b"),
    (PainQuality.STIFFNESS, r"\bstiff\w*\b"),
]
# Sites: the word said, as a PainSite without its side ("left-" or "right-").
SITE_WORDS = [
    ("hip", r"hips?|buttocks?|bum|bottom|glutes?"),
    ("thigh", r"thighs?|hamstrings?|quads?"),
    ("knee", r"knees?"),
    ("calf", r"calf|calves|shins?|lower legs?"),
    ("ankle", r"ankles?"),
    ("foot", r"foot|feet|toes?|heels?|soles?"),
]
PLURAL_SITES = r"hips|buttocks|thighs|hamstrings|quads|knees|calves|shins|lower legs|ankles|feet|toes|heels|soles"  # noqa: E501
SIDES = r"left|right|both|either"
LEG_PARTS = r"hip|thigh|knee|calf|shin|ankle|foot|toes?"

# The check-in's Penn frequency wording (CheckIn.Frequency), most specific first.
FREQUENCY_WORDS = [
    (CheckIn.Frequency.MORE_THAN_TEN_HOURLY, r"\b(?:more than|over) 10 (?:times )?(?:an|a|per|"
     r"each|every) hour\b|\bconstant(?:ly)?\b|\ball (?:the )?time\b|\bnon ?stop\b"),
    (CheckIn.Frequency.LESS_THAN_HOURLY, r"\bless than (?:once )?(?:an|a|per|each|every) hour\b|"
     r"\bunder once (?:an|a) hour\b|\b(?:a few|some|occasional) full spasms?\b|"
     r"\boccasional(?:ly)?\b|\bonce or twice\b"),
    (CheckIn.Frequency.MORE_THAN_HOURLY, r"\b(?:more than|over) once (?:an|a|per|each|every) "
     r"hour\b|\b(?:every|each) hour\b|\bhourly\b|\b(?:several|a few|many) times (?:an|a) hour\b"),
    (CheckIn.Frequency.TRIGGERED, r"\bonly when (?:\w+ )?(?:touched|moved|moving|set off|"
     r"triggered|something \w+ (?:them|it) off|\w+ (?:them|it) off)\b|\bonly mild\b|"
     r"\bonly (?:with|on) (?:touch|movement)\b"),
    (CheckIn.Frequency.NONE, r"\bno spasms?\b|\bspasm[- ]free\b|\b0 spasms\b|\bzero spasms\b|"
     r"\bnone\b"),
]  # fmt: skip
# Words only a check-in says: how often in an hour, or none at all.
PENN_WORDS = (
    r"\b(?:once|times|more than|less than)\b[\w\s]{0,20}?\b(?:an|a|per|each|every) hour\b"
    r"(?! ago)|\bno spasms\b"
)
CHECK_IN_SEVERITY = [
    (CheckIn.Severity.SEVERE, r"\b(?:severe|strong|bad|violent)\b"),
    (CheckIn.Severity.MODERATE, r"\b(?:moderate|medium)\b"),
    (CheckIn.Severity.MILD, r"\b(?:mild|light|slight)\b"),
]

# Plain words for the built-in catalogue, by slug, besides each item's own name (the parts of
# "Position change or transfer" are "position change" and "transfer").
TRIGGER_WORDS = {
    "full-bladder": r"bladder (?:was |is )?full|needed (?:to )?(?:a )?(?:pee|wee|cath\w*)|"
    r"needed to empty my bladder",
    "uti": r"\buti\b|urine infection|bladder infection|water infection",
    "constipation": r"constipat\w*|impacted|needed (?:a|to) poo",
    "haemorrhoids": r"ha?emorrhoids?|piles",
    "skin-irritation": r"rash|itch\w*|irritated skin|skin (?:was )?irritated",
    "pressure-injury": r"pressure (?:sore|injury|ulcer|area)|bed ?sores?",
    "ingrown-toenail": r"ingrown (?:toe ?)?nail",
    "wound": r"\bcut\b|graze|blister",
    "tight-clothing": r"tight (?:clothes|trousers|jeans|shoes|socks|straps?|waistband)|"
    r"(?:leg bag |leg )?straps?",
    "cold": r"(?:i|he|she|they) (?:was|were|got) cold|(?:the )?cold|chilly|freezing",
    "position-change": r"transfer\w*|changing position|(?:rolling|rolled|turn(?:ed|ing)) over"
    r"(?: in bed)?|sitting up|sat up|getting (?:in|into|out of) (?:bed|the chair|my chair|the car)|"
    r"being moved|hoist\w*",
    "stretching-movement": r"(?:after|during|while|when) (?:i was )?(?:stretching|moving|"
    r"exercis\w+)|movement",
    "illness": r"\bill\b|illness|sick|infection|flu|virus",
    "hidden-injury": r"fracture\w*|broken (?:bone|leg|ankle|foot)",
    "stress": r"stress\w*|anxious|anxiety|upset|worried|angry|emotional",
    "menstrual-cycle": r"(?:my )?period|menstrua\w*|time of the month",
    "fatigue": r"tired|fatigue|exhausted|worn out",
    "overuse": r"overuse|overdid it|overdoing it|did too much|doing too much",
    "inactivity": r"(?:sitting|lying|sat|lay) (?:still )?(?:for )?(?:too )?long|inactiv\w*|"
    r"not moving",
}
INTERVENTION_WORDS = {
    "stretching": r"stretched|(?:did|do) (?:some |my )?stretch\w*|range of motion",
    "standing-frame": r"standing frame|stood (?:up )?in (?:my|the) frame|long stretch",
    "exercise": r"(?:did |do )?(?:my )?(?:physio|physical therapy|exercises)",
    "electrical-stimulation": r"\btens\b|\bfes\b|electrical stimulation",
    "massage": r"massag\w*|rubbed (?:it|them|my \w+)",
    "heat": r"heat pack|hot water bottle|warm bath|\bheat\b|warmed (?:it|them) up",
    "cold-pack": r"cold pack|ice pack|\bice\b",
    "brace": r"brace|splint|orthotic\w*",
    "rest": r"rested|had a rest|lay down|lie down|\brest\b",
    "baclofen": r"baclofen(?! pump)",
    "tizanidine": r"tizanidine|zanaflex",
    "dantrolene": r"dantrolene|dantrium",
    "gabapentin": r"gabapentin|neurontin",
    "pregabalin": r"pregabalin|lyrica",
    "painkiller": r"painkillers?|paracetamol|acetaminophen|ibuprofen|tylenol|advil|aspirin",
    "topical-cream": r"cream|\bgel\b|ointment",
    "botulinum-toxin": r"botox|botulinum",
    "baclofen-pump": r"(?:baclofen )?pump (?:bolus|dose)|baclofen pump",
}
# Their cue ("took", "used") is part of what was understood, not left over.
INTERVENTION_CUE = (
    r"(?:(?:i |he |she |they )?(?:took|taken|taking|had|used|using|put on|tried|did|gave "
    r"(?:me |him |her )?)\s*(?:a |an |some |my |the )?(?:\d+(?:\.\d+)?\s*(?:mg|ml|mcg|g)\s+)?"
    r"(?:of )?)?"
)
DOSE = r"(\d+(?:\.\d+)?)\s*(mg|milligrams?|mcg|micrograms?|ml|g)\b"


@dataclass
class Reading:
    """What a sentence was read as: the kind of entry ("spasm", "pain", "checkin", or "" when
    none could be told), the form data the web form would be sent for it, the moment it names
    (timed kinds) or the day (a check-in), what was understood (plain words, for people), the
    words not understood, and what is missing before it can be saved."""

    text: str
    kind: str = ""
    data: dict[str, str | list[str]] = field(default_factory=dict)
    occurred_at: datetime | None = None
    day: date | None = None
    understood: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.kind) and not self.missing


class Sentence:
    """The words of a sentence, and which characters a rule has taken: what is left at the end
    is what was not understood."""

    def __init__(self, text: str):
        self.text = normalise(text)
        self.taken = [False] * len(self.text)

    def find(self, pattern: str, *, take: bool = True) -> re.Match | None:
        """The first match of `pattern` in words no rule has taken yet."""
        for match in re.finditer(pattern, self.text):
            if match.end() > match.start() and not any(self.taken[match.start() : match.end()]):
                if take:
                    self.take(match)
                return match
        return None

    def find_all(self, pattern: str) -> list[re.Match]:
        found = []
        while (match := self.find(pattern)) is not None:
            found.append(match)
        return found

    def take(self, match: re.Match, group: int | str = 0, *, taken: bool = True) -> None:
        for index in range(match.start(group), match.end(group)):
            self.taken[index] = taken

    def give_back(self, match: re.Match) -> None:
        """Words a rule found but could not read ("at 99"): left over, so not understood."""
        self.take(match, taken=False)

    def left_over(self) -> list[str]:
        """The words no rule took, less the filler words."""
        runs = []
        for word in re.finditer(r"[\w'/-]+", self.text):
            taken = any(self.taken[word.start() : word.end()])
            if not taken and word.group() not in FILLER:
                runs.append(word.group())
        return runs


def normalise(text: str) -> str:
    """Lower case, one space between words, numbers said as words written as digits."""
    text = " ".join(text.lower().replace("’", "'").split())

    def compound(match: re.Match) -> str:
        return str(NUMBER_WORDS[match.group(1)] + NUMBER_WORDS[match.group(2)])

    text = re.sub(rf"\b({TENS})[\s-]({UNITS})\b", compound, text)
    names = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    text = re.sub(rf"\b({names})\b", lambda m: str(NUMBER_WORDS[m.group(1)]), text)
    return re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", r"\1", text)


def read(text: str, owner, now: datetime) -> Reading:
    """Read a dictated sentence about `owner`'s diary, said at `now`: the entry it describes,
    as the data its web form would be sent. Times are read in the owner's zone."""
    text = text.strip()[:MAX_LENGTH]
    reading = Reading(text=text)
    words = Sentence(text)
    local_now = now.astimezone(owner.zone)
    reading.kind = _kind(words)
    if reading.kind == "checkin":
        _check_in(words, reading, local_now)
    elif reading.kind:
        reading.understood.append(_("A spasm") if reading.kind == "spasm" else _("Leg pain"))
        _moment(words, reading, owner, local_now)
        # Read in this order: "failed transfer" is what a spasm did, not a trigger; then "tight
        # shoes" is a trigger before "tight" can be a kind of spasm. Listed in the form's order.
        impacts = _all(words, IMPACT_WORDS) if reading.kind == "spasm" else []
        from_catalogue = _catalogue(words, reading, owner)
        if reading.kind == "spasm":
            _spasm(words, reading, impacts)
        else:
            _pain(words, reading, owner)
        reading.understood += from_catalogue
    else:
        reading.missing.append(_("Whether it was a spasm, leg pain or a daily check-in."))
    reading.not_understood = words.left_over()
    return reading


def _kind(words: Sentence) -> str:
    if words.find(CHECK_IN_WORDS) or words.find(PENN_WORDS, take=False):
        return "checkin"
    spasm = words.find(SPASM_WORDS, take=False)
    pain = words.find(PAIN_WORDS, take=False)
    if spasm and (not pain or spasm.start() < pain.start()):
        words.find(r"\b(?:spasms?|spasming|spasmed)\b")
        return "spasm"
    if pain:
        words.find(r"\b(?:leg\s+)?pain(?:ful)?\b|\bhurts?\b|\bhurting\b")
        return "pain"
    return ""


def _first(words: Sentence, choices):
    for value, pattern in choices:
        if words.find(pattern):
            return value
    return None


# When --------------------------------------------------------------------------------------

AGO = (
    r"\b(?:about |around |maybe |roughly )?(?P<n>\d+|an?|half an?|a couple of|a few)\s*"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|days?)(?P<half> and a half)?\s+ago\b"
)
PART_OF_DAY = (
    r"\b(?:(?P<day>yesterday|today|this|last)\s+(?P<part>morning|afternoon|evening|night)|"
    r"(?P<tonight>tonight)|(?P<only>yesterday))\b"
)
CLOCK = (
    r"\b(?:at|around) (?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
    r"(?:\s*o'?clock)?\b(?!\s*(?:minutes?|mins?|hours?|hrs?|seconds?|secs?|/|out of))"
    r"|\b(?P<h2>\d{1,2})(?:[:.](?P<m2>\d{2}))?\s*(?P<ampm2>am|pm|a\.m\.|p\.m\.)"
    r"|\bat (?P<named>noon|midday|midnight)\b"
)
NOW_WORDS = r"\b(?:just now|right now|now|just then|a moment ago)\b"


def _parse(phrase: str, owner, local_now: datetime) -> datetime | None:
    settings = {
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "TIMEZONE": owner.time_zone,
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    found = dateparser.parse(phrase, languages=["en"], settings=settings)
    return found.astimezone(owner.zone) if found else None


def _ago(match: re.Match) -> str:
    """The phrase as dateparser reads it: "half an hour ago" as "30 minutes ago"."""
    amount, unit = match.group("n"), match.group("unit")
    hours = unit.startswith("h")
    if amount.startswith("half"):
        return "30 minutes ago" if hours else f"{amount} {unit} ago"
    number = {"a": 1, "an": 1, "a couple of": 2, "a few": 3 if hours else 5}.get(amount)
    number = int(amount) if number is None else number
    if match.group("half") and hours:
        return f"{number * 60 + 30} minutes ago"
    return f"{number} {unit} ago"


def _moment(words: Sentence, reading: Reading, owner, local_now: datetime) -> None:
    moment, unreadable = None, False
    ago = words.find(AGO)
    if ago is not None:
        moment = _parse(_ago(ago), owner, local_now)
        if moment is None:
            words.give_back(ago)
            unreadable = True
    else:
        part = words.find(PART_OF_DAY)
        clock = words.find(CLOCK)
        day = local_now.date()
        if part is not None and ("yesterday" in part.group() or "last night" in part.group()):
            day -= timedelta(days=1)
        if clock is not None:
            moment = _clock(clock, part, day, local_now)
            if moment is None:
                words.give_back(clock)
                unreadable = True
        elif part is not None:
            moment = _parse(part.group(), owner, local_now)
    if unreadable:
        # A time was said but not read: never saved as "now" instead.
        reading.missing.append(
            _("When it happened, said as “10 minutes ago”, “at 3pm” or “yesterday evening”.")
        )
        return
    if moment is None:
        words.find(NOW_WORDS)
        reading.data["when"] = "now"
        reading.occurred_at = local_now
        reading.understood.append(_("When: now"))
        return
    reading.data["when"] = "earlier"
    reading.data["occurred_local"] = f"{moment:%Y-%m-%dT%H:%M}"
    reading.occurred_at = moment
    reading.understood.append(_("When: %(time)s") % {"time": _time_words(moment, local_now)})


def _clock(
    clock: re.Match, part: re.Match | None, day: date, local_now: datetime
) -> datetime | None:
    """A time of day said on its own ("at 3"): am or pm as said, or by the part of the day, or
    else the latest such time that has come. None for a time no clock shows ("at 27")."""
    named = clock.group("named")
    if named:
        hour, minute, ampm = (0 if named == "midnight" else 12), 0, ""
    else:
        hour = int(clock.group("h") or clock.group("h2"))
        minute = int(clock.group("m") or clock.group("m2") or 0)
        ampm = (clock.group("ampm") or clock.group("ampm2") or "").replace(".", "")
    if hour > 23 or minute > 59 or (ampm and hour > 12):
        return None
    said = None
    if part is not None:
        said = "night" if part.group("tonight") else part.group("part")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif not ampm and not named and hour < 12:
        if said in ("afternoon", "evening", "night", "tonight") and not (
            said == "night" and hour < 5
        ):
            hour += 12
        elif said is None:
            # The latest of the morning and the afternoon hour that has come.
            candidates = [
                local_now.replace(hour=h, minute=minute, second=0, microsecond=0)
                for h in (hour + 12, hour)
            ]
            if day != local_now.date():
                return candidates[0] - timedelta(days=(local_now.date() - day).days)
            for candidate in candidates:
                if candidate <= local_now:
                    return candidate
            return candidates[0] - timedelta(days=1)
    if said == "night" and hour < 5 and day < local_now.date():
        day += timedelta(days=1)  # "last night at 2": after midnight, so today
    moment = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment - timedelta(days=(local_now.date() - day).days)


def _time_words(moment: datetime, local_now: datetime) -> str:
    if moment.date() == local_now.date():
        return _("%(time)s today") % {"time": f"{moment:%H:%M}"}
    if moment.date() == local_now.date() - timedelta(days=1):
        return _("%(time)s yesterday") % {"time": f"{moment:%H:%M}"}
    return _("%(day)s, %(time)s") % {"day": short_day(moment), "time": f"{moment:%H:%M}"}


# Spasms --------------------------------------------------------------------------------------


def _all(words: Sentence, choices) -> list:
    return [value for value, pattern in choices if words.find(pattern)]


def _spasm(words: Sentence, reading: Reading, impacts: list[SpasmImpact]) -> None:
    data = reading.data
    duration = _duration(words)
    if duration:
        data["duration"] = duration.value
        reading.understood.append(_("How long: %(label)s") % {"label": duration.label})
    severity = _first(words, SEVERITY_WORDS)
    if severity is not None:
        data["severity"] = str(severity.value)
        reading.understood.append(_("How strong: %(label)s") % {"label": severity.label})
    pattern = _first(words, PATTERN_WORDS)
    if pattern is not None:
        data["pattern"] = pattern.value
        reading.understood.append(_("What it was like: %(label)s") % {"label": pattern.label})
    regions = _regions(words)
    if regions:
        data["regions"] = [region.value for region in regions]
        reading.understood.append(_("Where: %(places)s") % {"places": _join(regions)})
    if impacts:
        data["impacts"] = [impact.value for impact in impacts]
        reading.understood.append(_("What it did: %(labels)s") % {"labels": _join(impacts)})


def _duration(words: Sentence) -> SpasmDuration | None:
    match = words.find(
        r"\b(?:(?:lasted|lasting|went on)(?: for)?|for)\s+(?:about |around |maybe )?(?:a |an )?"
        r"(?P<n>\d+|few|couple of)?\s*(?P<unit>seconds?|secs?|minutes?|mins?|hours?)\b"
        r"|\b(?:under|less than) a minute\b|\ba few seconds\b"
    )
    if match is None:
        return None
    said = match.group()
    if "under" in said or "less than" in said:
        return SpasmDuration.UNDER_A_MINUTE
    unit = match.group("unit") or "seconds"
    amount = match.group("n")
    number = int(amount) if amount and amount.isdigit() else (3 if amount else 1)
    if unit.startswith("s"):
        return SpasmDuration.SECONDS if number < 20 else SpasmDuration.UNDER_A_MINUTE
    if unit.startswith("h"):
        return SpasmDuration.LONGEST
    if number <= 5:
        return SpasmDuration.MINUTES
    return SpasmDuration.LONGER if number <= 30 else SpasmDuration.LONGEST


def _regions(words: Sentence) -> list[BodyRegion]:
    found: list[BodyRegion] = []
    both = (
        rf"\b(?:both (?:my |his |her )?(?:legs|{PLURAL_SITES})|(?:my |his |her |the )?legs|"
        r"left and right legs?|right and left legs?|both sides)\b"
    )
    if words.find(both):
        found.append(BodyRegion.BOTH_LEGS)
    else:
        for region, side in ((BodyRegion.LEFT_LEG, "left"), (BodyRegion.RIGHT_LEG, "right")):
            if words.find(rf"\b{side} (?:leg|side|{LEG_PARTS})\b"):
                found.append(region)
    if words.find(r"\b(?:trunk|tummy|stomach|belly|abs|abdomen|back|torso|core)\b"):
        found.append(BodyRegion.TRUNK)
    if words.find(r"\b(?:arms?|hands?)\b"):
        found.append(BodyRegion.ARMS)
    return found


# Leg pain ------------------------------------------------------------------------------------


def _pain(words: Sentence, reading: Reading, owner) -> None:
    data = reading.data
    data["pain_type"] = PainType.UNKNOWN.value
    problem = _problem(words, owner)
    if problem is not None:
        data["problem"] = str(problem.pk)
        reading.understood.append(_("Pain problem: %(name)s") % {"name": problem.name})
    intensity = _intensity(words)
    if intensity is None:
        reading.missing.append(_("How bad the pain is, from 0 to 10."))
    else:
        data["intensity"] = str(intensity)
        reading.understood.append(_("How bad: %(n)s out of 10") % {"n": intensity})
    sites = _sites(words)
    if sites:
        data["sites"] = [site.value for site in sites]
        reading.understood.append(_("Where: %(places)s") % {"places": _join(sites)})
    qualities = [value for value, pattern in QUALITY_WORDS if words.find(pattern)]
    if qualities:
        data["qualities"] = [quality.value for quality in qualities]
        reading.understood.append(
            _("What it feels like: %(labels)s") % {"labels": _join(qualities)}
        )


def _problem(words: Sentence, owner) -> PainProblem | None:
    for problem in PainProblem.objects.filter(owner=owner).order_by("slot"):
        name = normalise(problem.name)
        if len(name) >= 3 and words.find(rf"(?<!\w){re.escape(name)}(?!\w)"):
            return problem
    return None


def _intensity(words: Sentence) -> int | None:
    for pattern in (
        r"\b(?P<n>\d{1,2})\s*(?:/|out of)\s*10\b",
        r"\b(?:pain|intensity|level|score|rated?|it'?s|at)\s*(?:is |was |of |at |about |around )?"
        r"(?:a |an )?(?P<n>\d{1,2})\b(?!\s*(?:am|pm|:|minutes?|mins?|hours?))",
        r"\b(?P<n>\d{1,2})\b(?!\s*(?:am|pm|:|minutes?|mins?|hours?|mg|ml|times?))",
    ):
        match = words.find(pattern, take=False)
        if match is not None and int(match.group("n")) <= 10:
            words.take(match)
            return int(match.group("n"))
    return None


def _sites(words: Sentence) -> list[PainSite]:
    """Each site with the side said before it ("left knee and ankle": both on the left); a
    plural without a side ("my feet") on both sides."""
    names = "|".join(f"(?P<{site}>{pattern})" for site, pattern in SITE_WORDS)
    side = None
    found: list[PainSite] = []
    for match in re.finditer(rf"\b(?:(?P<side>{SIDES})\b|(?:{names})\b)", words.text):
        if any(words.taken[match.start() : match.end()]):
            continue
        if match.group("side"):
            side = match.group("side")
            continue
        site = next(name for name, _pattern in SITE_WORDS if match.group(name))
        said_side = side or ("both" if re.fullmatch(PLURAL_SITES, match.group()) else None)
        if said_side is None:
            continue  # a side is needed: left over, so not understood
        words.take(match)
        sides = ("left", "right") if said_side in ("both", "either") else (said_side,)
        for one in sides:
            value = PainSite(f"{one}-{site}")
            if value not in found:
                found.append(value)
    # The side words used by a site are understood too.
    if found:
        for match in re.finditer(rf"\b(?:{SIDES})\b", words.text):
            after = words.text[match.end() : match.end() + 40]
            if re.match(rf"\s+(?:and |my |his |her |the )*(?:{names})", after):
                words.take(match)
    return found


# Triggers and what was tried -----------------------------------------------------------------


def _phrases(items, extra: dict[str, str], others: set[str]) -> list[tuple[object, str]]:
    """(item, pattern) for each item offered to the person: the built-ins by their plain words
    and their name (unless the other list has the same name: "Cold"); the person's own by name
    and by each part of it ("A or B")."""
    found = []
    for item in items:
        if item.is_builtin and item.slug in extra:
            found.append((item, rf"\b(?:{extra[item.slug]})"))
    for item in items:
        name = normalise(item.name)
        if item.is_builtin and name in others:
            continue
        parts = [name]
        if not item.is_builtin:
            parts += [part.strip() for part in re.split(r"\s+or\s+|,", name)]
        for part in parts:
            if len(part) >= 3:
                found.append((item, rf"(?<!\w){re.escape(part)}(?!\w)"))
    return found


def _catalogue(words: Sentence, reading: Reading, owner) -> list[str]:
    """Things tried (with a dose and whether it helped) and triggers; what was understood."""
    data, understood = reading.data, []
    offered_triggers = list(Trigger.objects.offered_to(owner))
    offered_tried = list(Intervention.objects.offered_to(owner))
    # A built-in's name the other list has too ("Cold") is read by the plain words alone.
    trigger_names = {
        normalise(n) for n in Trigger.objects.available_to(owner).values_list("name", flat=True)
    }
    tried_names = {
        normalise(n)
        for n in Intervention.objects.available_to(owner).values_list("name", flat=True)
    }
    tried, dose = [], None
    said_dose = words.find(DOSE, take=False)
    for item, pattern in _phrases(offered_tried, INTERVENTION_WORDS, trigger_names):
        if item not in tried and words.find(INTERVENTION_CUE + pattern):
            tried.append(item)
    # The formset's own bookkeeping, as the page sends it: none tried is zero forms.
    data.update(
        {
            f"{TRIED}-TOTAL_FORMS": str(len(tried)),
            f"{TRIED}-INITIAL_FORMS": "0",
            f"{TRIED}-MIN_NUM_FORMS": "0",
            f"{TRIED}-MAX_NUM_FORMS": "10",
        }
    )
    if tried:
        if said_dose is not None:
            words.take(said_dose)
            dose = f"{said_dose.group(1)} {said_dose.group(2)}"
        effect = _first(words, EFFECT_WORDS) or Effect.NOT_SURE
        for index, item in enumerate(tried):
            data[f"{TRIED}-{index}-intervention"] = str(item.pk)
            data[f"{TRIED}-{index}-dose"] = dose if dose and index == 0 else ""
            data[f"{TRIED}-{index}-effect"] = effect.value
        names = ", ".join(item.label for item in tried)
        if dose:
            names = f"{names} ({dose})"
        understood.append(_("What was tried: %(names)s") % {"names": names})
        if effect != Effect.NOT_SURE:
            understood.append(_("Did it help: %(label)s") % {"label": effect.label})
    triggers = []
    for item, pattern in _phrases(offered_triggers, TRIGGER_WORDS, tried_names):
        if item not in triggers and words.find(pattern):
            triggers.append(item)
    if triggers:
        data["triggers"] = [str(item.pk) for item in triggers]
        understood.append(
            _("What might have set it off: %(names)s")
            % {"names": ", ".join(item.label for item in triggers)}
        )
    return understood


# The daily check-in --------------------------------------------------------------------------


def _check_in(words: Sentence, reading: Reading, local_now: datetime) -> None:
    data = reading.data
    day = local_now.date()
    if words.find(r"\b(?:for )?(?:yesterday|last night)\b"):
        day -= timedelta(days=1)
    else:
        words.find(r"\b(?:for )?today\b")
    data["date"] = day.isoformat()
    reading.day = day
    when = _("today") if day == local_now.date() else _("yesterday")
    reading.understood.append(_("A daily check-in for %(day)s") % {"day": when})
    said = re.search(
        r"\b(?:penn|frequency)(?: score| scale)?(?: is| was| of)?\s*(?P<n>\d)\b", words.text
    )
    frequency = None
    if said is not None and int(said.group("n")) <= 4:
        words.take(said)
        frequency = CheckIn.Frequency(int(said.group("n")))
    else:
        frequency = _first(words, FREQUENCY_WORDS)
    if frequency is None:
        reading.missing.append(
            _(
                "How often spasms came: for example “no spasms”, “only when something set "
                "them off”, “less than once an hour”, “more than once an hour” or “more than "
                "ten times an hour”."
            )
        )
    else:
        data["psfs_frequency"] = str(frequency.value)
        reading.understood.append(_("How often: %(label)s") % {"label": frequency.label})
        words.find(r"\bspasms?\b")
    severity = _first(words, CHECK_IN_SEVERITY)
    if severity is not None and frequency != CheckIn.Frequency.NONE:
        data["psfs_severity"] = str(severity.value)
        reading.understood.append(_("How strong: %(label)s") % {"label": severity.label})
    for name, pattern, label in (
        ("spasticity", r"\b(?:stiffness|spasticity)(?: was| is| of| at)?\s*(?P<n>\d{1,2})\b",
         _("Stiffness and spasms overall: %(n)s out of 10")),
        ("pain_worst", r"\bworst (?:leg )?pain(?: was| is| of| at)?\s*(?P<n>\d{1,2})\b",
         _("Worst leg pain: %(n)s out of 10")),
        ("pain_average", r"\baverage (?:leg )?pain(?: was| is| of| at)?\s*(?P<n>\d{1,2})\b|"
         r"\b(?:leg )?pain (?:was |is )?(?P<n2>\d{1,2}) on average\b",
         _("Average leg pain: %(n)s out of 10")),
    ):  # fmt: skip
        match = words.find(pattern)
        if match is not None:
            value = int(match.group("n") or match.group("n2"))
            if value <= 10:
                data[name] = str(value)
                reading.understood.append(label % {"n": value})
    woke = words.find(
        r"\bwoke (?:me |him |her )?(?:up )?(?P<n>\d+ times|once|twice)\b|"
        r"\b(?P<none>slept through|did ?n[o']?t wake|didn't wake)\b"
    )
    if woke is not None:
        said = woke.group("n") or ""
        wakings = 0 if woke.group("none") else {"once": 1, "twice": 2}.get(said)
        if wakings is None:
            wakings = int(said.split()[0])
        data["night_wakings"] = str(wakings)
        reading.understood.append(_("Times woken: %(n)s") % {"n": wakings})
    words.find(r"\bspasms?\b")


def said_initial(query, kind: str) -> tuple[dict, list[dict]]:
    """A new entry's form filled in from Say it's "Change it first" link (?said=1 and the
    reading's form data): the answers, and the things tried. Only shown, never saved: the
    person sends the form themselves."""
    if query.get("said") != "1":
        return {}, []
    from sci_tracker.diary.forms import ENTRY_FORMS  # here: diary.forms imports this module

    fields = ENTRY_FORMS[kind].base_fields
    initial = {
        name: query.getlist(name) if fields[name].widget.allow_multiple_selected else value
        for name, value in query.items()
        if name in fields
    }
    tried = []
    if kind in ("spasm", "pain"):
        for index in range(10):
            pick = query.get(f"{TRIED}-{index}-intervention")
            if not pick:
                break
            tried.append(
                {
                    "intervention": pick,
                    "dose": query.get(f"{TRIED}-{index}-dose", ""),
                    "effect": query.get(f"{TRIED}-{index}-effect", Effect.NOT_SURE),
                }
            )
    return initial, tried


def _join(choices) -> str:
    return ", ".join(str(choice.label) for choice in choices)
