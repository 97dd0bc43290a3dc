"""The message catalogues (locale/<lang>/LC_MESSAGES/*.po and their compiled .mo): each parses,
has no fuzzy entry, keeps every placeholder of its English, and its .mo says what the .po says,
so a catalogue edited but not compiled again (manage.py compilemessages) fails here, not in
front of a reader. The .mo files are committed: running the app needs no gettext tools."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
# Python's %(name)s and %s, and the JavaScript catalogue's interpolate() takes the same.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif]")


def test_it_has_a_catalogue_for_each_language_but_english():
    languages = {path.parent.parent.name for path in CATALOGUES}
    domains = {path.name for path in CATALOGUES}
    assert languages == {code for code, _name in settings.LANGUAGES if not code.startswith("en")}
    assert domains == {"django.po", "djangojs.po"}


def translated(entries) -> dict:
    """(context, English) -> translation(s), for what a reader sees: no obsolete or untranslated
    entries, and not the header."""
    found = {}
    for entry in entries:
        if not entry.msgid or entry.obsolete:
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = (entry.msgstr,)
        if any(value):
            found[(entry.msgctxt, entry.msgid)] = value
    return found


def problems_of(po_path: Path) -> list[str]:
    """Every problem of one catalogue, so a run names them all."""
    try:
        po = polib.pofile(str(po_path))
    except (OSError, ValueError) as error:
        return [f"does not parse: {error}"]
    problems = []
    if po.metadata_is_fuzzy:
        problems.append("the header is marked fuzzy (gettext would drop it, plurals with it)")
    if po.metadata.get("Language") != po_path.parent.parent.name:
        problems.append(f"the header's Language is {po.metadata.get('Language')!r}")
    if "nplurals=" not in po.metadata.get("Plural-Forms", ""):
        problems.append("the header has no Plural-Forms")
    for entry in po.fuzzy_entries():
        problems.append(f"fuzzy: {entry.msgid!r}")
    for entry in po.translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for value in values:
            # A plural form may leave the number out ("one entry"), never add or rename one.
            extra = (
                set(PLACEHOLDER.findall(value))
                - set(wanted)
                - set(PLACEHOLDER.findall(entry.msgid))
            )
            if extra or (not entry.msgid_plural and sorted(PLACEHOLDER.findall(value)) != wanted):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {value!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"no {mo_path.name}: run manage.py compilemessages")
        return problems
    mo = polib.mofile(str(mo_path))
    if translated(mo) != translated(po.translated_entries()):
        problems.append(f"{mo_path.name} is out of date: run manage.py compilemessages")
    if mo.metadata.get("Plural-Forms") != po.metadata.get("Plural-Forms"):
        problems.append(f"{mo_path.name} has another Plural-Forms: run compilemessages")
    return problems


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: str(path.relative_to(LOCALE)))
def test_it_ships_a_sound_and_compiled_catalogue(po_path):
    assert problems_of(po_path) == []


def test_it_finds_a_broken_a_fuzzy_and_a_stale_catalogue(tmp_path):
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {
        "Language": "es",
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    po.append(polib.POEntry(msgid="Guides", msgstr="Guías"))
    po.append(polib.POEntry(msgid="Hello %(name)s", msgstr="Hola %(nombre)s"))
    po.append(polib.POEntry(msgid="Profile", msgstr="Perfil", flags=["fuzzy"]))
    po_path = folder / "django.po"
    po.save(str(po_path))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    assert problems_of(po_path) == [
        "fuzzy: 'Profile'",
        "placeholders differ: 'Hello %(name)s' -> 'Hola %(nombre)s'",
    ]

    entry = po.find("Guides")
    entry.msgstr = "Guías de uso"  # edited, not compiled
    po.save(str(po_path))
    assert "django.mo is out of date: run manage.py compilemessages" in problems_of(po_path)

    po_path.write_text('msgid "Guides"\nmsgstr "Guías"\nGuides for Spanish\n', encoding="utf-8")
    assert problems_of(po_path)[0].startswith("does not parse")
