"""Descriptions as the feeds send them, made safe to show and readable as plain text."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import nh3

# Structure a job description needs and nothing that runs, loads or styles. div and span carry
# no attribute here and keep Lever's paragraphs (each a <div>) apart.
ALLOWED_TAGS = frozenset(
    {"p", "br", "hr", "div", "span", "ul", "ol", "li", "dl", "dt", "dd", "strong", "em", "b",
     "i", "u", "s", "sub", "sup", "small", "a", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "code", "pre", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"}
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# Removed with their content, not just unwrapped: their text is code or a foreign document.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "noscript", "object", "embed", "template", "svg", "math"}
)
BLOCK_TAGS = frozenset(
    {"p", "br", "hr", "div", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
     "h6", "blockquote", "pre", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"}
)  # fmt: skip
MAX_LAYERS = 3

_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*|/[a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?/?>")
_ESCAPED_TAG = re.compile(r"&(?:amp;)*lt;/?[a-zA-Z]")
_ANY_TAG = re.compile(r"<[^>]*>")


def _by_first_letter(names: Iterable[str]) -> str:
    """ "p|pre|table|td" as "p(?:|re)|t(?:able|d)": the same matches, but an expression that
    tries 9 branches at a tag and not 26, each dear when case is ignored (a quarter of the
    time of the substitution)."""
    groups: dict[str, list[str]] = {}
    for name in sorted(names):
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_BLOCK_TAG = re.compile(rf"</?(?:{_by_first_letter(BLOCK_TAGS)})\b[^>]*>", re.IGNORECASE)
_SPACE_JOIN = " ".join
_ASCII_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.isspace() is in ASCII, but " "
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
# The entities escaping writes (html.escape, Greenhouse, the sanitiser), the likeliest first;
# "&amp;" apart, replaced last, so that "&amp;lt;" becomes "&lt;" and not "<", as html.unescape
# reads it.
_COMMON_ENTITIES = (
    ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&nbsp;", "\xa0"), ("&#39;", "'"),
    ("&#x27;", "'"),
)  # fmt: skip
_AMP = "&amp;"
# Built once: nh3.clean builds its sanitiser anew on every call, which costs more than the
# sanitising of a description itself.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="nofollow noopener",
)


def unescape_layers(text: str) -> str:
    """Entity-escaped HTML made HTML again, one layer at a time and no further.

    Greenhouse sends `&lt;p&gt;`, and an escaped feed inside XML can add a layer
    (`&amp;lt;p&amp;gt;`). Unescaping stops as soon as the text holds a real tag, so an
    `&amp;` or `&lt;` meant as text inside real HTML stays as it is.
    """
    for _ in range(MAX_LAYERS):
        if _TAG.search(text) or not _ESCAPED_TAG.search(text):
            return text
        text = _unescape(text)
    return text


def sanitize_html(fragment: str) -> str:
    """The description with only the allow-listed tags: no script, style, frame, event handler
    or style attribute; links http, https or mailto only, each with rel="nofollow noopener"."""
    return _CLEANER.clean(fragment).strip()


def html_to_text(fragment: str) -> str:
    """Plain text: one line per block (paragraph, list item, heading, row, <br>), spaces
    collapsed, entities (`&nbsp;` too) read; script and style content never shows."""
    return text_of_sanitized(sanitize_html(fragment))


def text_of_sanitized(clean_html: str) -> str:
    """`html_to_text` for HTML that `sanitize_html` already made: no script, style or comment
    is left to hide, so plain expressions do (one sanitising per listing, not two)."""
    # HTML ignores source line breaks: fold them first, then every block tag ends a line.
    flat = _BLOCK_TAG.sub("\n", _collapse_spaces(clean_html))
    text = _unescape(_ANY_TAG.sub("", flat))
    # Each line's spaces collapsed, blank lines dropped; map and filter, not generators: no
    # Python frame per line.
    if _single_spaced(text, but="\n"):
        return "\n".join(filter(None, map(str.strip, text.split("\n"))))
    return "\n".join(filter(None, map(_SPACE_JOIN, map(str.split, text.split("\n")))))


def _collapse_spaces(text: str) -> str:
    """ " ".join(text.split()): str.split() collapses whitespace, \xa0 included, several
    times faster than a regex; a text already single-spaced needs neither (4 times faster)."""
    return text.strip() if _single_spaced(text) else " ".join(text.split())


def _single_spaced(text: str, *, but: str = "") -> bool:
    """Whether the only whitespace in `text` (but the characters in `but`) is single spaces,
    so that splitting and joining it on whitespace would change nothing but its ends."""
    if "  " in text:
        return False
    if text.isascii():  # the common case, and a fast check: no other ASCII space is there
        return not any(char in text for char in _ASCII_SPACES if char not in but)
    # Every Unicode space but " " is unprintable (checked over every code point).
    return (text.replace(but, "") if but else text).isprintable()


def join_sections(sections: Iterable[tuple[str | None, str | None]]) -> str:
    """One description from a source's named parts: Lever's description, `lists[]` and
    `additional`, Personio's `jobDescriptions`, SmartRecruiters' `jobAd.sections`. Each
    (title, html) becomes an <h3> title (escaped: it is text) and its HTML; bare <li> items
    (Lever lists) are put in a <ul>; empty parts are left out. Sanitise the result as usual."""
    parts: list[str] = []
    for title, body in sections:
        content = (body or "").strip()
        if not content:
            continue
        if title and title.strip():
            parts.append(f"<h3>{html.escape(clean_text(title))}</h3>")
        parts.append(f"<ul>{content}</ul>" if content.lower().startswith("<li") else content)
    return "".join(parts)


def clean_text(value: str | None) -> str:
    """A one-line field (title, company, department) as text: entities read (twice at most,
    for a feed that escaped them again: `&amp;#8211;`), tags dropped, spaces collapsed."""
    if not value:
        return ""
    text = _unescape(value)
    if "&" in text and _ENTITY.search(text):  # no "&", no entity: no expression to try
        text = _unescape(text)
    if "<" in text:
        text = html_to_text(text)
    return " ".join(text.split())


def _unescape(text: str) -> str:
    """`html.unescape`, with str.replace when every "&" starts "&amp;" or one of
    `_COMMON_ENTITIES`: html.unescape calls a Python function per entity (about 1 µs each),
    and an escaped description has hundreds, a sanitised one a few."""
    ampersands = text.count("&")
    if not ampersands:
        return text
    unescaped = _replace_common_entities(text, ampersands)
    return html.unescape(text) if unescaped is None else unescaped


def _replace_common_entities(text: str, ampersands: int) -> str | None:
    """`text` with "&amp;" and `_COMMON_ENTITIES` replaced, or None when some of its
    `ampersands` starts none of them. An entity is replaced (and counted by how much shorter
    the text got) only while some "&" is unaccounted for: one scan per entity present, where
    counting each first took two (an escaped Greenhouse description: 6.9 to 5.5 µs)."""
    amps = text.count(_AMP)
    ampersands -= amps
    for entity, char in _COMMON_ENTITIES:
        if not ampersands:
            break
        shorter = text.replace(entity, char)
        ampersands -= (len(text) - len(shorter)) // (len(entity) - len(char))
        text = shorter
    if ampersands:
        return None
    return text.replace(_AMP, "&") if amps else text
