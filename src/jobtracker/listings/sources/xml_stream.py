"""XML feeds read as a stream: one item element at a time, in bounded memory.

`stream_items` walks a file with `lxml.etree.iterparse` and hands over each item element, then
clears it and drops what came before it, so a 1 GB feed holds one item in memory at a time.
The parser never fetches anything (`no_network`), never expands entities (`resolve_entities`
off: an entity stays a reference, so no "billion laughs") and loads no DTD.

Undeclared namespace prefixes (Himalayas' RSS writes `himalayas:companyName` without declaring
`himalayas`) do not stop a feed: libxml2 reads the element under its literal name
("himalayas:companyName") and reports the missing declaration only when the document ends.
The rule is therefore: a document is complete when its root element closed; an XML error
after that is a namespace complaint and is ignored, an error before it (a cut-off document, a
bare `&`, an undefined `&nbsp;`) raises `InvalidFeed` after the items read until then.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from jobtracker.listings.sources.base import InvalidFeed

Element = etree._Element
XML_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": True,  # a description past 10 MB is odd but legal; size is capped by the client
    "remove_comments": True,
    "remove_pis": True,
}


def stream_items(
    path: Path, *, items: Collection[str], roots: Collection[str], what: str
) -> Iterator[Element]:
    """Each element named in `items` (Clark notation: "item", "{http://www.w3.org/2005/Atom}entry")
    in document order. Read it before asking for the next: it is cleared then.

    `InvalidFeed` when the document is cut short or not well-formed, and when its root is not
    one of `roots` (so an XHTML page is never a valid empty feed)."""
    closed = False
    with path.open("rb") as source:
        events = etree.iterparse(source, events=("end",), tag=[*items, *roots], **XML_OPTIONS)
        try:
            for _, element in events:
                if element.getparent() is None:
                    closed = True
                    continue
                yield element
                _release(element)
        except etree.XMLSyntaxError as error:
            if not closed:
                raise InvalidFeed(f"{what}: cut short or not well-formed ({error})") from None
    if not closed:
        names = ", ".join(f"<{name.rsplit('}', 1)[-1]}>" for name in roots)
        raise InvalidFeed(f"{what}: the document's root element is none of {names}")


# Reading one item again from its own bytes (`item_bytes`): recover, because an item of a feed
# whose prefixes were never declared (see above) is not well-formed on its own.
_ITEM_PARSER = etree.XMLParser(recover=True, **XML_OPTIONS)


def item_bytes(element: Element) -> bytes:
    """The item as XML of its own, its namespace declarations included: what `parse_item`
    reads back, in this or another process."""
    return etree.tostring(element, encoding="utf-8")


def parse_item(raw: bytes) -> Element:
    """An item from `item_bytes`."""
    item: Element = etree.fromstring(raw, parser=_ITEM_PARSER)
    return item


def _release(element: Element) -> None:
    """Free the item and everything before it: only the item in hand stays in the tree."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def local_name(element: Element) -> str:
    """ "{http://www.w3.org/2005/Atom}entry" -> "entry"; "himalayas:companyName" (never
    declared) -> "companyName"."""
    tag = str(element.tag)
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def qualified_name(element: Element) -> str:
    """The name as the feed wrote it: "title", "content:encoded", "job_listing:company". The
    prefix, not the namespace URI, because WP Job Manager declares `job_listing` with the
    site's own URL, and Himalayas declares its prefix not at all."""
    return _qualified(element, str(element.tag))


def _qualified(element: Element, tag: str) -> str:
    """`qualified_name` of the element whose tag is `tag` (lxml makes a new string at every
    reading of a tag or a prefix: each is read once)."""
    if not tag.startswith("{"):
        return tag
    local = tag.rsplit("}", 1)[-1]
    prefix = element.prefix
    return f"{prefix}:{local}" if prefix else local


def text_of(element: Element | None) -> str | None:
    """The element's text, stripped; an unexpanded entity stays as its reference ("&nbsp;"),
    which the normalisation reads. None when empty."""
    if element is None:
        return None
    # Most fields are one text node: read it without the iterator (len counts entity nodes).
    whole = (element.text or "") if len(element) == 0 else "".join(element.itertext())
    return whole.strip() or None


def inner_markup(element: Element) -> str | None:
    """What the element holds, tags included: a description written as CDATA or escaped text
    is that text; one written as elements (Atom `type="xhtml"`, a careless feed) keeps its tags.
    None when empty."""
    parts = [element.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", with_tail=True) for child in element)
    markup = "".join(parts).strip()
    return markup or None


class Fields:
    """An item's child elements by qualified name (see `qualified_name`), in order."""

    __slots__ = ("_by_name",)

    def __init__(self, item: Element) -> None:
        self._by_name: dict[str, list[Element]] = {}
        for child in item:
            tag = child.tag
            if isinstance(tag, str):
                self._by_name.setdefault(_qualified(child, tag), []).append(child)

    def text(self, *names: str) -> str | None:
        """The text of the first of `names` that the item has, not blank."""
        for name in names:
            for element in self._by_name.get(name, ()):
                found = text_of(element)
                if found:
                    return found
        return None

    def markup(self, *names: str) -> str | None:
        """Like `text`, with the tags of any child element kept (see `inner_markup`)."""
        for name in names:
            for element in self._by_name.get(name, ()):
                found = inner_markup(element)
                if found:
                    return found
        return None

    def texts(self, name: str) -> list[str]:
        """Every non-blank text of the elements called `name`."""
        found = (text_of(element) for element in self._by_name.get(name, ()))
        return [text for text in found if text]

    def all(self, name: str) -> list[Element]:
        return list(self._by_name.get(name, ()))

    def has_prefix(self, prefix: str) -> bool:
        """Whether any child is written with this prefix ("job_listing")."""
        start = f"{prefix}:"
        return any(name.startswith(start) for name in self._by_name)
