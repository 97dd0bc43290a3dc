"""The guidance pages: Markdown files in content/, each with a small header, rendered once per
process.

A page's file starts with a header the "meta" extension reads:

    title: Why spasms happen after SCI
    summary: One or two sentences for the index.
    reviewed: 2026-11-21
    sources: First source
        Second source (one per indented line)

Every heading carries its own anchor (`## Cold {#trigger-cold}`), so a link to a section keeps
working when a heading is reworded. Links between pages are written as `other-page.md#anchor`,
which reads on the repository's own file view too; the renderer turns them into app URLs.
An HTML comment `<!-- in-your-diary: name -->` marks where a signed-in reader sees their own
figures (see diary_boxes.py).

A translation lives in content/<language>/<slug>.md (content/es/managing-spasms.md), with the
same slug, the same anchors on the same headings and the same diary markers, so every link into a
guide works in every language. Its header has no `reviewed:` of its own; instead

    follows: 2026-11-21

names the English page's `reviewed:` date that the translation was made from (tests fail when
the English page is reviewed later). A reader whose active language has a translation of a page
reads it there, in the index and in search; any page not (yet) translated falls back to English.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import markdown
from django.urls import reverse
from django.utils.translation import get_language
from markdown.treeprocessors import Treeprocessor

from sci_tracker.core.guide_links import section_url

CONTENT = Path(__file__).parent / "content"
ENGLISH = "en"
# The languages with a folder of translated pages, by their code ("es").
TRANSLATIONS = frozenset(path.name for path in CONTENT.iterdir() if path.is_dir())

# The index lists the pages in this order: from why spasms happen to what to do about them.
PAGE_ORDER = [
    "why-spasms-happen",
    "when-spasms-help",
    "managing-spasms",
    "leg-pain-causes",
    "managing-leg-pain",
    "red-flags",
    "using-with-your-clinician",
]
RED_FLAGS = "red-flags"
DIARY_BOX = re.compile(r"<!-- in-your-diary: ([a-z-]+) -->")
MARKDOWN_LINK = re.compile(r"^([a-z0-9-]+)\.md(#[a-z0-9-]+)?$")


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    level: int
    text: str  # the section's own words, without its subsections', for search


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    reviewed: date | None  # English pages only: a translation follows an English review
    sources: tuple
    html: str = field(repr=False)
    sections: tuple = field(repr=False)
    language: str = ENGLISH
    follows: date | None = None  # translations only: the English `reviewed:` date they follow

    @property
    def url(self):
        return reverse("guides:page", args=[self.slug])

    @property
    def english_url(self):
        """The English page, whatever the reader's language (see views.page)."""
        return f"{self.url}?lang={ENGLISH}"

    @property
    def is_translation(self):
        return self.language != ENGLISH

    @property
    def toc(self):
        """The table of contents: (section, its h3 sections) for each h2."""
        contents = []
        for section in self.sections:
            if section.level == 2:
                contents.append((section, []))
            elif section.level == 3 and contents:
                contents[-1][1].append(section)
        return contents

    @property
    def anchors(self):
        return {section.anchor for section in self.sections}

    @property
    def text(self):
        """Everything a reader reads on the page, for the readability measure."""
        return "\n\n".join([self.summary] + [f"{s.title}\n\n{s.text}" for s in self.sections])

    @property
    def parts(self):
        """The HTML cut at each diary box: html, box name, html, box name, ..., html."""
        return DIARY_BOX.split(self.html)

    @property
    def diary_boxes(self):
        return self.parts[1::2]


class GuideLinks(Treeprocessor):
    """Turns links to `other-page.md#anchor` into the app's URL for that section."""

    def run(self, root):
        for link in root.iter("a"):
            found = MARKDOWN_LINK.match(link.get("href", ""))
            if found:
                slug, anchor = found.groups()
                link.set("href", section_url(slug + (anchor or "")))


class GuideExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 (the name Python-Markdown calls)
        # Below the inline processor's priority (20), so the links exist by then.
        md.treeprocessors.register(GuideLinks(md), "guide_links", 7)


class SectionText(HTMLParser):
    """Splits rendered HTML into sections at each h2 and h3, keeping the text a reader sees."""

    def __init__(self):
        super().__init__()
        self.sections = [["", "", 1, []]]  # the text before the first heading
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3"):
            self.sections.append([dict(attrs).get("id", ""), "", int(tag[1]), []])
            self.in_heading = True

    def handle_endtag(self, tag):
        if tag in ("h2", "h3"):
            self.in_heading = False

    def handle_data(self, data):
        current = self.sections[-1]
        if self.in_heading:
            current[1] += data
        else:
            current[3].append(data)


def split_sections(html):
    parser = SectionText()
    parser.feed(html)
    return tuple(
        Section(anchor, title.strip(), level, re.sub(r"\s+", " ", "".join(words)).strip())
        for anchor, title, level, words in parser.sections
    )


def source_path(slug: str, language: str = ENGLISH) -> Path:
    folder = CONTENT if language == ENGLISH else CONTENT / language
    return folder / f"{slug}.md"


def render(slug: str, language: str = ENGLISH) -> Page:
    source = source_path(slug, language).read_text(encoding="utf-8")
    md = markdown.Markdown(
        # toc gives any heading without an anchor of its own a stable one from its words.
        extensions=["meta", "attr_list", "toc", GuideExtension()],
        output_format="html",
    )
    html = md.convert(source)
    meta = md.Meta
    return Page(
        slug=slug,
        title=" ".join(meta["title"]),
        summary=" ".join(meta["summary"]),
        reviewed=header_date(meta, "reviewed"),
        sources=tuple(source.strip() for source in meta.get("sources", []) if source.strip()),
        html=html,
        sections=split_sections(html),
        language=language,
        follows=header_date(meta, "follows"),
    )


def header_date(meta: dict, name: str) -> date | None:
    return date.fromisoformat(meta[name][0]) if name in meta else None


def guide_language(language: str | None = None) -> str:
    """The language the guides are read in: the given or active language ("es-mx" reads "es")
    when the guides have translations in it, English otherwise."""
    code = (language or get_language() or ENGLISH).lower().replace("_", "-").partition("-")[0]
    return code if code in TRANSLATIONS else ENGLISH


@cache
def rendered(language: str) -> dict[str, Page]:
    """Every page in one language by slug, in reading order, English where a page has no
    translation. Rendered on first use and kept for the process."""
    if language == ENGLISH:
        return {slug: render(slug) for slug in PAGE_ORDER}
    english = rendered(ENGLISH)
    return {
        slug: render(slug, language) if source_path(slug, language).exists() else english[slug]
        for slug in PAGE_ORDER
    }


def all_pages(language: str | None = None) -> dict[str, Page]:
    """Every page by slug, in reading order, in the reader's language (see guide_language)."""
    return rendered(guide_language(language))


def get_page(slug: str, language: str | None = None) -> Page | None:
    """The page, or None if there is no such page."""
    return all_pages(language).get(slug)


# Search --------------------------------------------------------------------------------------

MAX_QUERY_WORDS = 8
SNIPPET_CHARACTERS = 200


@dataclass(frozen=True)
class Hit:
    page: Page
    section: Section
    snippet: list  # (text, matched) pieces, so the template escapes them and marks the matches

    @property
    def url(self):
        return f"{self.page.url}#{self.section.anchor}" if self.section.anchor else self.page.url


# One letter for one letter, so a match found in folded text sits at the same place in the text.
# Not ñ: it is a letter of its own (año is not ano).
ACCENTS = str.maketrans("áàâäéèêëíìîïóòôöúùûüç", "aaaaeeeeiiiioooouuuuc")


def fold(text: str) -> str:
    """Lower case without accents: "medula" finds "médula", as readers often type without them."""
    return text.lower().translate(ACCENTS)


def query_words(query: str) -> list[str]:
    return re.findall(r"\w[\w'-]*", fold(query))[:MAX_QUERY_WORDS]


def snippet(text, words):
    """About SNIPPET_CHARACTERS of the text around the first match, cut at word boundaries, as
    (text, matched) pieces."""
    folded = fold(text)
    first = min(folded.find(word) for word in words if word in folded)
    start = max(0, text.rfind(" ", 0, max(0, first - SNIPPET_CHARACTERS // 3)) + 1)
    end = text.find(" ", start + SNIPPET_CHARACTERS)
    end = len(text) if end == -1 else end
    excerpt = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    pattern = re.compile("|".join(re.escape(word) for word in words))
    pieces, at = [], 0
    for found in pattern.finditer(fold(excerpt)):
        pieces += [
            (excerpt[at : found.start()], False),
            (excerpt[found.start() : found.end()], True),
        ]
        at = found.end()
    return [*pieces, (excerpt[at:], False)]


def search(query: str, language: str | None = None) -> list[Hit]:
    """The sections that hold every word of the query (as the start of a word or inside one),
    best first: words in the heading count most, then how often the words appear. Searches the
    pages in the reader's language (see all_pages)."""
    words = query_words(query)
    if not words:
        return []
    hits = []
    for page in all_pages(language).values():
        for section in page.sections:
            title, text = fold(section.title), fold(section.text)
            if not all(word in title or word in text for word in words):
                continue
            score = sum(10 * title.count(word) + text.count(word) for word in words)
            body = section.text if any(word in text for word in words) else section.title
            hits.append((score, Hit(page, section, snippet(body, words))))
    hits.sort(key=lambda pair: -pair[0])
    return [hit for _, hit in hits]
