"""Tiny real files of each kind a document may be, built in the test (no fixtures on
disk), and a few hostile ones."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png() -> bytes:
    """A 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """The start of a JFIF JPEG (what a camera's file begins with)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xd9"


def _zip(members: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members):
            kind = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return out.getvalue()


def _content_types(main: str, part: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="{part}" ContentType="{main}"/></Types>'
    ).encode()


def docx() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", _content_types(WORD_MAIN, "/word/document.xml")),
            ("word/document.xml", b"<w:document/>"),
        ]
    )


def xlsx() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", _content_types(SHEET_MAIN, "/xl/workbook.xml")),
            ("xl/workbook.xml", b"<workbook/>"),
        ]
    )


def odt() -> bytes:
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
        ],
        stored_first=True,
    )


def text() -> bytes:
    return "Better-off calculation: £42.10 a week better off in work.\n".encode()


def executable() -> bytes:
    """The start of a Windows program (an MZ header with its PE signature)."""
    header = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 56)
    header[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(header) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200


def zip_bomb() -> bytes:
    """A Word-looking zip whose type part unpacks to 20 MB of spaces (about 20 KB)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("[Content_Types].xml", "w", force_zip64=False) as member,
    ):
        member.write(_content_types(WORD_MAIN, "/word/document.xml"))
        block = b" " * (1024 * 1024)
        for _ in range(20):
            member.write(block)
    return out.getvalue()


def many_entries(count: int = 5000) -> bytes:
    return _zip(
        [("[Content_Types].xml", _content_types(WORD_MAIN, "/word/document.xml"))]
        + [(f"word/{i}.xml", b"") for i in range(count)]
    )


#: Each kind of document we keep: a name, its bytes, the type detected.
ALLOWED = {
    "cv.pdf": (pdf, "application/pdf"),
    "photo.png": (png, "image/png"),
    "scan.jpg": (jpeg, "image/jpeg"),
    "letter.docx": (
        docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "budget.xlsx": (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "notes.odt": (odt, "application/vnd.oasis.opendocument.text"),
    "better-off.txt": (text, "text/plain; charset=utf-8"),
}
