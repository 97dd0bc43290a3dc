"""A pseudo-locale: every string that goes through Django's translation functions comes out
between markers, ⟦like this⟧. Whatever English is left outside the markers on a page was never
marked for translation. Needs no gettext tools and no catalogue: it wraps Django's own
translation object (tests/test_pseudo_locale.py uses it)."""

import re
from html.parser import HTMLParser

from django.utils.translation import trans_real

OPEN, CLOSE = "⟦", "⟧"
CONTEXT_SEPARATOR = "\x04"  # between a pgettext context and its message


def wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}" if text else text


class PseudoTranslation(trans_real.DjangoTranslation):
    """Django's translation of a language, each result wrapped in markers. pgettext and
    npgettext come through gettext and ngettext with "context\\x04message"; Django then looks
    for the separator to tell a miss, so a miss is answered with the bare message, wrapped."""

    def gettext(self, message: str) -> str:
        if not message:
            return super().gettext(message)  # the catalogue's header, not a message
        result = super().gettext(message)
        return wrap(result.split(CONTEXT_SEPARATOR, 1)[-1])

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        result = super().ngettext(singular, plural, number)
        return wrap(result.split(CONTEXT_SEPARATOR, 1)[-1])


def outside_markers(text: str, depth: int = 0) -> tuple[list[str], int]:
    """The runs of text outside every marker (markers nest: a marked sentence may take a
    marked word), and the depth at the end: `depth` carries a marked sentence that holds
    elements (<strong>a name</strong>) on from one text node to the next."""
    runs, current = [], []
    for char in text:
        if char == OPEN:
            if depth == 0:
                runs.append("".join(current))
                current = []
            depth += 1
        elif char == CLOSE and depth:
            depth -= 1
        elif depth == 0:
            current.append(char)
    runs.append("".join(current))
    return [" ".join(run.split()) for run in runs if run.strip()], depth


# Attributes a person reads or hears (a screen reader says aria-label, title and alt).
READ_ATTRIBUTES = {"title", "aria-label", "aria-description", "aria-roledescription", "alt"}
READ_ATTRIBUTES |= {"placeholder", "label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
SKIPPED_ELEMENTS = {"script", "style"}  # code, and data for scripts (json_script)
VOID_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class VisibleText(HTMLParser):
    """The text of a page as people meet it: text nodes outside scripts and styles, the
    attributes read out or shown, the value of button inputs, and data-* attributes that hold
    sentences for the page's scripts to show. Text inside an element of the body that says its
    own language (lang="es": the language menu's names; lang="en": an English guide's title)
    is in that language on purpose."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # (text, whether it is a text node: those follow on from each other, attributes stand
        # alone)
        self.texts: list[tuple[str, bool]] = []
        self.skipping = 0
        self.in_body = False
        self.own_language: list[str] = []  # tags of the open elements with a lang of their own

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in SKIPPED_ELEMENTS:
            self.skipping += 1
        values = dict(attrs)
        if tag == "body":
            self.in_body = True
        elif tag != "html" and values.get("lang") and tag not in VOID_ELEMENTS:
            self.own_language.append(tag)
        if self.own_language:
            return
        for name, value in attrs:
            if not value:
                continue
            read = name in READ_ATTRIBUTES
            button = name == "value" and tag == "input" and values.get("type") in BUTTON_INPUTS
            sentence = name.startswith("data-") and re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", value)
            if read or button or sentence:
                self.texts.append((value, False))
        if tag == "meta" and values.get("name") == "description" and values.get("content"):
            self.texts.append((values["content"], False))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED_ELEMENTS:
            self.skipping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self.skipping:
            self.skipping -= 1
        if self.own_language and self.own_language[-1] == tag:
            self.own_language.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and not self.own_language and data.strip():
            self.texts.append((data, True))


def visible_texts(html: str) -> list[tuple[str, bool]]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.texts


WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]")
# A chunk that is code, an address or a number with a unit, not words: digits, @, /, _, =,
# a dot or colon inside it, or a run of capitals and hyphens (PRIVATE-ALICE).
CODE_LIKE = re.compile(r"[0-9@/\\_=<>{}#|~^$%+]|\w[.:]\w|^[A-Z]+(?:-[A-Z]+)+$")


def english_words(run: str, allowed: frozenset) -> list[str]:
    """The words of a run of unmarked text that would be English to a reader: at least two
    letters, not code-like, not on the allow-list."""
    found = []
    for chunk in run.split():
        if CODE_LIKE.search(chunk):
            continue
        for word in WORD.findall(chunk):
            if word not in allowed:
                found.append(word)
    return found
