"""The emergency number the urgent advice page offers to call.

The person can set their own on the profile; until they do, the number is guessed from their
time zone, the one place the app knows where they are. 112 reaches emergency services from a
mobile phone in most countries, so it is the fallback. The page says the number can be changed.
"""

from dataclasses import dataclass

FALLBACK = "112"

# Zones outside the fallback, by exact name (the canonical names and their common aliases).
_UK = ("Europe/London", "Europe/Belfast", "Europe/Jersey", "Europe/Guernsey", "Europe/Isle_of_Man")
_US = [
    "America/New_York",
    "America/Detroit",
    "America/Kentucky/Louisville",
    "America/Kentucky/Monticello",
    "America/Indiana/Indianapolis",
    "America/Indiana/Vincennes",
    "America/Indiana/Winamac",
    "America/Indiana/Marengo",
    "America/Indiana/Petersburg",
    "America/Indiana/Vevay",
    "America/Indiana/Tell_City",
    "America/Indiana/Knox",
    "America/Chicago",
    "America/Menominee",
    "America/North_Dakota/Center",
    "America/North_Dakota/New_Salem",
    "America/North_Dakota/Beulah",
    "America/Denver",
    "America/Boise",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Juneau",
    "America/Sitka",
    "America/Metlakatla",
    "America/Yakutat",
    "America/Nome",
    "America/Adak",
    "America/Fort_Wayne",
    "America/Indianapolis",
    "America/Louisville",
    "America/Knox_IN",
    "America/Shiprock",
    "America/Atka",
    "Pacific/Honolulu",
    "Navajo",
]
_CANADA = [
    "America/St_Johns",
    "America/Halifax",
    "America/Glace_Bay",
    "America/Moncton",
    "America/Goose_Bay",
    "America/Toronto",
    "America/Montreal",
    "America/Nipigon",
    "America/Thunder_Bay",
    "America/Rainy_River",
    "America/Iqaluit",
    "America/Pangnirtung",
    "America/Winnipeg",
    "America/Resolute",
    "America/Rankin_Inlet",
    "America/Regina",
    "America/Swift_Current",
    "America/Edmonton",
    "America/Yellowknife",
    "America/Cambridge_Bay",
    "America/Inuvik",
    "America/Dawson_Creek",
    "America/Fort_Nelson",
    "America/Whitehorse",
    "America/Dawson",
    "America/Vancouver",
    "America/Atikokan",
    "America/Coral_Harbour",
    "America/Blanc-Sablon",
    "America/Creston",
]
_NEW_ZEALAND = ("Pacific/Auckland", "Pacific/Chatham", "NZ", "NZ-CHAT")
BY_ZONE: dict[str, str] = {
    **dict.fromkeys(_UK, "999"),
    **dict.fromkeys(("GB", "GB-Eire"), "999"),
    **dict.fromkeys(_US, "911"),
    **dict.fromkeys(_CANADA, "911"),
    **dict.fromkeys(_NEW_ZEALAND, "111"),
}
# Then by the start of the zone's name.
BY_PREFIX: tuple[tuple[str, str], ...] = (
    ("US/", "911"),
    ("Canada/", "911"),
    ("Australia/", "000"),
    ("Europe/", "112"),
)


def number_for_zone(zone_name: str) -> str:
    """The usual emergency number where `zone_name` is, or 112."""
    if zone_name in BY_ZONE:
        return BY_ZONE[zone_name]
    for prefix, number in BY_PREFIX:
        if zone_name.startswith(prefix):
            return number
    return FALLBACK


@dataclass(frozen=True)
class EmergencyNumber:
    number: str  # as shown
    tel: str  # for a tel: link: the digits, and a leading + if there was one
    chosen: bool  # set on the profile (False: guessed from the time zone)


def emergency_number(person) -> EmergencyNumber:
    """The number to call for `person`: their own, or their time zone's."""
    own = person.emergency_number.strip()
    number = own or number_for_zone(person.time_zone)
    digits = "".join(char for char in number if char.isascii() and char.isdigit())
    return EmergencyNumber(number, ("+" if number.startswith("+") else "") + digits, bool(own))
