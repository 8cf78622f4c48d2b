"""Bytes + file name → Document (first cut: UTF-8 / detected-encoding text only)."""

from __future__ import annotations

from charset_normalizer import from_bytes

from transforms.document import Document


def decode(data: bytes, name: str = "") -> Document:
    if not data.strip():
        return Document.from_text("", defects=("empty file",))
    try:
        return Document.from_text(data.decode("utf-8-sig"), encoding="utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            return Document.from_text("", defects=("binary or undecodable content",))
        return Document.from_text(str(best), encoding=best.encoding)
