"""Small real documents, made in the test: a PDF with pypdf, a DOCX with python-docx, and files
that only pretend to be one."""

from __future__ import annotations

import io
import zipfile

import docx
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
TEXT = "Ada Lovelace\nAnalyst · Programmer\nSkills: engines, notes, Bernoulli numbers\n"


def pdf_bytes(text: str = "Ada Lovelace, analyst") -> bytes:
    """A one-page PDF whose page shows `text` (ASCII, no parentheses) in Helvetica."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    })  # fmt: skip
    fonts = DictionaryObject({NameObject("/F1"): font})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs or ("Grace Hopper", "Compilers, COBOL, nanoseconds"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_padding(padding_bytes: int) -> bytes:
    """A real Word document plus one entry of zeros that unpacks to `padding_bytes`: a few KB
    on the wire, a zip bomb once unpacked when the padding is large."""
    out = io.BytesIO(docx_bytes())
    megabyte = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/padding.bin", "w") as entry,
    ):
        for start in range(0, padding_bytes, len(megabyte)):
            entry.write(megabyte[: padding_bytes - start])
    return out.getvalue()


def zip_without_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()
