"""Real hostile files, built in the tests: Word documents, PDFs and a zip bomb."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def docx_bytes(paragraphs: list[str], title: str = "") -> bytes:
    """A real Word document (python-docx)."""
    import docx

    d = docx.Document()
    d.core_properties.title = title
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def zip_bomb_docx(path: Path, inflated: int = 1_100_000_000) -> Path:
    """A .docx whose word/document.xml inflates to `inflated` bytes (default > 1 GB) while the
    file stays a few MB: every other part is a real Word document's, streamed so this process
    never holds more than a chunk of it."""
    real = zipfile.ZipFile(io.BytesIO(docx_bytes(["会议开幕"])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in real.infolist():
            if info.filename == "word/document.xml":
                continue
            out.writestr(info.filename, real.read(info.filename))
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
                     b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            chunk = ("<w:p><w:r><w:t>" + "人民代表大会开幕" * 32 + "</w:t></w:r></w:p>").encode() * 4096
            written = 0
            while written < inflated:
                fh.write(chunk)
                written += len(chunk)
            fh.write(b"</w:body></w:document>")
    return path


def many_members_zip(members: int) -> bytes:
    """A zip that names `members` tiny files (a directory bomb)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
        for i in range(members):
            z.writestr(f"x/{i}", b"")
    return buf.getvalue()


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A PDF with one Helvetica text layer per page, written by hand (ASCII only)."""
    n = len(pages)
    font = 3 + 2 * n
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n)), n)]
    for i, lines in enumerate(pages):
        ops = ["BT /F1 10 Tf 12 TL 40 760 Td"] + [f"({line}) Tj T*" for line in lines] + ["ET"]
        stream = "\n".join(ops).encode("latin-1")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font))
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)
