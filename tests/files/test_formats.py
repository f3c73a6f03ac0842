"""What is accepted as a resume, decided by content; the names files are stored under."""

from __future__ import annotations

import pytest

from jobtracker.files import formats
from jobtracker.files.formats import NotAccepted, identify, safe_filename
from jobtracker.files.models import ResumeKind
from tests.files.documents import (
    EXE,
    HTML,
    TEXT,
    docx_bytes,
    docx_with_padding,
    pdf_bytes,
    zip_without_document,
)

LIMIT = 50 * 1024 * 1024


def kind_of(data: bytes, limit: int = LIMIT) -> ResumeKind:
    return identify(data, max_docx_uncompressed_bytes=limit).kind


class TestIdentify:
    def test_pdf_docx_and_text_are_recognised(self) -> None:
        assert kind_of(pdf_bytes()) == ResumeKind.PDF
        assert kind_of(docx_bytes()) == ResumeKind.DOCX
        assert kind_of(TEXT.encode()) == ResumeKind.TXT

    def test_content_types_follow_the_kind(self) -> None:
        assert identify(pdf_bytes(), max_docx_uncompressed_bytes=LIMIT).content_type == (
            "application/pdf"
        )
        assert identify(b"plain", max_docx_uncompressed_bytes=LIMIT).content_type == (
            "text/plain; charset=utf-8"
        )

    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (EXE, "not accepted"),
            (HTML, "Web pages and markup are not accepted"),
            (b"<?xml version='1.0'?><svg/>", "markup"),
            (b"%PDF-1.7\nthen nothing that parses", "This PDF cannot be read"),
            (zip_without_document(), "not a Word document"),
            (b"PK\x03\x04 but not a zip", "damaged"),
            ("café".encode("latin-1"), "not UTF-8"),
            (b"", "empty"),
        ],
        ids=["exe", "html", "svg", "broken-pdf", "xlsx-like-zip", "broken-zip", "latin-1", "empty"],
    )
    def test_anything_else_is_refused_with_a_reason(self, data: bytes, reason: str) -> None:
        with pytest.raises(NotAccepted, match=reason):
            identify(data, max_docx_uncompressed_bytes=LIMIT)

    def test_docx_that_unpacks_past_the_limit_is_refused_before_it_is_opened(self) -> None:
        bomb = docx_with_padding(51 * 1024 * 1024)
        assert len(bomb) < 200 * 1024  # small on the wire
        with pytest.raises(NotAccepted, match="unpacks to more than 50 MB"):
            identify(bomb, max_docx_uncompressed_bytes=LIMIT)

    def test_docx_within_the_unpacked_limit_is_accepted(self) -> None:
        assert kind_of(docx_with_padding(1024 * 1024)) == ResumeKind.DOCX

    def test_text_with_a_byte_order_mark_is_text(self) -> None:
        assert kind_of(b"\xef\xbb\xbfJane Doe") == ResumeKind.TXT


class TestExtractText:
    def test_pdf_text(self) -> None:
        assert formats.extract_text(ResumeKind.PDF, pdf_bytes("Ada Lovelace")) == "Ada Lovelace"

    def test_docx_paragraphs(self) -> None:
        text = formats.extract_text(ResumeKind.DOCX, docx_bytes("Grace Hopper", "COBOL"))
        assert text == "Grace Hopper\nCOBOL"

    def test_text_without_its_byte_order_mark(self) -> None:
        assert formats.extract_text(ResumeKind.TXT, b"\xef\xbb\xbfJane\n") == "Jane"


class TestSafeFilename:
    @pytest.mark.parametrize(
        ("name", "stored"),
        [
            ("../../etc/passwd", "passwd.txt"),
            ("C:\\Users\\me\\cv.txt", "cv.txt"),
            ("Zoë Müller — CV.txt", "Zoë Müller — CV.txt"),
            ("evil\u202etxt.exe", "eviltxt.txt"),
            ("tab\there\x00and\x07bell.txt", "tab hereandbell.txt"),
            ('a<b>:"c"|?*.txt', "a_b_c_.txt"),
            (".bashrc", "bashrc.txt"),
            ("...", "resume.txt"),
            ("", "resume.txt"),
            ("Jane Doe. CV", "Jane Doe. CV.txt"),
        ],
    )
    def test_names_are_made_harmless(self, name: str, stored: str) -> None:
        assert safe_filename(name, "txt") == stored

    def test_extension_follows_the_content_not_the_name(self) -> None:
        assert safe_filename("cv.txt", "pdf") == "cv.pdf"

    def test_long_names_are_cut_to_200_characters_keeping_the_extension(self) -> None:
        stored = safe_filename("x" * 500 + ".pdf", "pdf")
        assert len(stored) == 200
        assert stored.endswith("x.pdf")
