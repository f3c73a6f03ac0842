"""The CSV format of applications: reading people's spreadsheets and writing ours.

Kept apart from service.py, which holds the rules: this file only knows columns and cells.
Headers are recognised by their common names in any case ("Organization", "Job Title",
"Stage", "Date applied"...), statuses by the nearest pipeline status, dates in the usual forms.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from jobtracker.applications.models import Status
from jobtracker.kit.text import fold, words

MAX_ROWS = 5000
COLUMNS = {
    "company": ("company", "organization", "organisation", "employer", "company name"),
    "position": ("position", "title", "job title", "role", "job", "position title"),
    "status": ("status", "stage", "state", "application status"),
    "applied_on": ("date applied", "applied on", "applied", "application date", "date",
                   "applied date"),
    "location": ("location", "city", "place", "job location"),
    "salary": ("salary", "compensation", "pay", "salary range"),
    "job_url": ("url", "link", "job url", "job link", "posting", "posting url", "job posting"),
    "notes": ("notes", "note", "comments", "comment"),
    "job_description": ("description", "job description"),
}  # fmt: skip
STATUS_WORDS = {
    Status.SAVED: ("saved", "wishlist", "bookmarked", "interested", "to apply", "not applied",
                   "draft", "planned", "later"),
    Status.APPLIED: ("applied", "submitted", "sent", "pending", "waiting", "in review",
                     "under review", "in progress", "awaiting"),
    Status.INTERVIEW: ("interview", "interviewing", "phone screen", "screen", "screening",
                       "onsite", "on site", "technical", "assessment", "take home", "final round"),
    Status.OFFER: ("offer", "offered", "accepted", "hired"),
    Status.REJECTED: ("rejected", "rejection", "declined by company", "no", "ghosted",
                      "closed", "not selected", "unsuccessful", "turned down"),
    Status.WITHDRAWN: ("withdrawn", "withdrew", "declined", "not interested", "cancelled",
                       "canceled", "abandoned", "retracted"),
}  # fmt: skip
# Day first where a date could be read both ways (01/02/2026 is 1 February): most of the world.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%b %d, %Y",
                "%d %b %Y", "%B %d, %Y", "%d %B %Y", "%d-%m-%Y", "%d/%m/%y")  # fmt: skip
EXPORT_COLUMNS = ("company", "position", "status", "applied_on", "location", "salary",
                  "job_url", "notes", "created_at", "updated_at")  # fmt: skip


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported (not text, no company or position column)."""


@dataclass
class Row:
    """One data row of a spreadsheet, mapped to application fields."""

    line: int
    values: dict[str, str]
    warnings: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The same row in the same file (or a later copy of it) has the same key."""
        parts = [fold(self.values.get(name, "")) for name in sorted(COLUMNS)]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def read_rows(data: bytes) -> tuple[dict[str, str], list[str], Iterator[Row]]:
    """(header → field, ignored headers, rows). Raises UnreadableFile for the whole file."""
    reader = csv.reader(io.StringIO(_decode(data)), _dialect(data))
    headers = next(reader, None)
    if not headers:
        raise UnreadableFile("The file is empty.")
    mapping, ignored = map_headers(headers)
    for needed in ("company", "position"):
        if needed not in mapping.values():
            raise UnreadableFile(
                f"No {needed} column found (looked for: {', '.join(COLUMNS[needed])})."
            )
    return mapping, ignored, _rows(reader, headers, mapping)


def map_headers(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    lookup = {name: column for column, names in COLUMNS.items() for name in names}
    mapping: dict[str, str] = {}
    ignored = []
    for header in headers:
        column = lookup.get(" ".join(words(header)))
        if column and column not in mapping.values():
            mapping[header] = column
        elif header.strip():
            ignored.append(header)
    return mapping, ignored


def _rows(
    reader: Iterable[list[str]], headers: list[str], mapping: dict[str, str]
) -> Iterator[Row]:
    for number, cells in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise UnreadableFile(f"At most {MAX_ROWS} rows at a time; split the file.")
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            mapping[h]: c.strip() for h, c in zip(headers, cells, strict=False) if h in mapping
        }
        yield Row(line=number, values=values)


def nearest_status(text: str) -> Status | None:
    """The pipeline status a spreadsheet's word means, or None when nothing is close."""
    folded = " ".join(words(text))
    if not folded:
        return None
    for status, names in STATUS_WORDS.items():
        if folded in names:
            return status
    for status, names in STATUS_WORDS.items():
        if any(re.search(rf"\b{re.escape(name)}\b", folded) for name in names if len(name) > 2):
            return status
    every = {name: status for status, names in STATUS_WORDS.items() for name in names}
    close = difflib.get_close_matches(folded, list(every), n=1, cutoff=0.75)
    return every[close[0]] if close else None


def parse_date(text: str) -> date | None:
    text = text.strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def write_csv(rows: Iterable[dict[str, object]]) -> Iterator[str]:
    """Our CSV, line by line. Cells that a spreadsheet would run as a formula are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_safe_cell(row.get(name)) for name in EXPORT_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableFile("This is not a CSV file (it holds binary data).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(data: bytes) -> type[csv.Dialect] | csv.Dialect:
    sample = data[:8192].decode("utf-8", errors="ignore")
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel
