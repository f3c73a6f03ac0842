"""The kinds of file accepted as a resume, decided by content: the magic bytes, then a parse that
succeeds. The name and the declared type are never trusted; the stored name is sanitised.

Not in the fixed set of a domain's files: these are the rules about bytes, apart from the
service's rules about rows, so that each stays small and testable on its own.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import docx
from pypdf import PdfReader

from jobtracker.files.models import ResumeKind

ACCEPTED = "PDF, Word (.docx) or plain text (UTF-8)"
MAX_NAME = 200
# Extracted text is kept for analysis; past this it is cut (a resume is a few pages).
MAX_TEXT_CHARS = 1_000_000
_ZIP_MAGIC = b"PK\x03\x04"
# What a browser would sniff as HTML or XML (WHATWG MIME sniffing): not accepted as "text".
_MARKUP = re.compile(
    rb"^\s*<(!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|!--|\?xml|svg)[\s>/]",
    re.IGNORECASE,
)
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*]+')
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,5}$")


@dataclass(frozen=True)
class FileFormat:
    kind: ResumeKind
    content_type: str
    extension: str


FORMATS = {
    ResumeKind.PDF: FileFormat(ResumeKind.PDF, "application/pdf", "pdf"),
    ResumeKind.DOCX: FileFormat(
        ResumeKind.DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    ResumeKind.TXT: FileFormat(ResumeKind.TXT, "text/plain; charset=utf-8", "txt"),
}


class NotAccepted(Exception):
    """The content is none of the accepted kinds; the message says why, for the user."""


def identify(data: bytes, *, max_docx_uncompressed_bytes: int) -> FileFormat:
    """The format of `data`, or NotAccepted. A DOCX whose entries would unpack to more than
    `max_docx_uncompressed_bytes` is refused before anything is unpacked (a zip bomb)."""
    if not data:
        raise NotAccepted("The file is empty.")
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return FORMATS[ResumeKind.PDF]
    if data.startswith(_ZIP_MAGIC):
        _check_docx(data, max_docx_uncompressed_bytes)
        return FORMATS[ResumeKind.DOCX]
    _check_text(data)
    return FORMATS[ResumeKind.TXT]


def _check_pdf(data: bytes) -> None:
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception as error:  # pypdf raises many kinds for a broken or encrypted file
        raise NotAccepted(f"This PDF cannot be read ({_reason(error)}).") from error
    if pages == 0:
        raise NotAccepted("This PDF has no pages.")


def _check_docx(data: bytes, max_uncompressed: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise NotAccepted("This ZIP file is damaged.") from error
    with archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if not {"word/document.xml", "[Content_Types].xml"} <= names:
            raise NotAccepted(f"This archive is not a Word document. Accepted: {ACCEPTED}.")
        # The sizes the archive declares; zipfile never unpacks an entry past its declared size.
        if sum(entry.file_size for entry in entries) > max_uncompressed:
            raise NotAccepted(
                f"This Word document unpacks to more than {human_size(max_uncompressed)}."
            )
    try:
        docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a broken package
        raise NotAccepted(f"This Word document cannot be read ({_reason(error)}).") from error


def _check_text(data: bytes) -> None:
    if b"\x00" in data:
        raise NotAccepted(f"This kind of file is not accepted. Accepted: {ACCEPTED}.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotAccepted(f"This text is not UTF-8. Accepted: {ACCEPTED}.") from error
    if _MARKUP.match(data.removeprefix(b"\xef\xbb\xbf")):
        raise NotAccepted(f"Web pages and markup are not accepted. Accepted: {ACCEPTED}.")


def extract_text(kind: ResumeKind, data: bytes) -> str:
    """The readable text of a stored file (raises on a file that cannot be parsed)."""
    if kind == ResumeKind.PDF:
        reader = PdfReader(io.BytesIO(data))
        text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
    elif kind == ResumeKind.DOCX:
        text = "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs)
    else:
        text = data.decode("utf-8-sig")
    # PostgreSQL text cannot hold NUL, and PDFs sometimes yield it.
    return text.replace("\x00", "").strip()[:MAX_TEXT_CHARS]


def safe_filename(name: str, extension: str) -> str:
    """The user's file name made harmless: its last path segment, without control or format
    characters (a right-to-left override could disguise "exe"), without characters that file
    systems refuse, not hidden (no leading dot), at most 200 characters, and ending with the
    extension of the kind its content is."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    cleaned = " ".join(_UNSAFE_NAME.sub("_", "".join(map(_visible, base))).split()).lstrip(". ")
    stem, dot, suffix = cleaned.rpartition(".")
    if not (dot and _EXTENSION.match(suffix)):
        stem = cleaned
    stem = stem.rstrip(". ")[: MAX_NAME - len(extension) - 1].rstrip(". ") or "resume"
    return f"{stem}.{extension}"


def _visible(character: str) -> str:
    """Any white space as a plain space; control, format and unassigned characters dropped."""
    if character.isspace():
        return " "
    return "" if unicodedata.category(character).startswith(("C", "Z")) else character


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(size, 1) / 1024:.3g} KB" if size >= 1024 else f"{size} bytes"


def _reason(error: Exception) -> str:
    return str(error).split("\n")[0][:120] or type(error).__name__
