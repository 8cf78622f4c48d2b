"""Decompression and text limits hold before the work is done, not after: a zip bomb is stopped
after inflating at most the limit, a PDF stops extracting pages past the character limit."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from tests.hostile_files import docx_bytes, many_members_zip, pdf_bytes, zip_bomb_docx
from transforms.decode import decode
from transforms.limits import MAX_INFLATED_BYTES, TooLarge, check_zip


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> bytes:
    return zip_bomb_docx(tmp_path_factory.mktemp("bomb") / "bomb.docx").read_bytes()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_zip_bomb_is_stopped_at_the_declared_size_without_inflating(bomb: bytes) -> None:
    assert len(bomb) < 8 * 1024 * 1024  # a few MB on disk, over 1 GB inflated
    before = _rss_mb()
    with pytest.raises(TooLarge, match="declares 1,1\\d\\d,\\d{3},\\d{3} bytes when inflated"):
        check_zip(bomb)
    doc = decode(bomb, "bomb.docx")  # the decoder's own check: a defect, never the bytes inflated
    assert not doc.readable and "too large" in doc.defects[0] and doc.text == ""
    assert _rss_mb() - before < 200


def test_a_header_that_lies_about_the_size_inflates_no_further_than_it_says(tmp_path: Path) -> None:
    """Declared 1,000 bytes, really 3 MB: zipfile stops at the declared size and finds the CRC
    wrong, so the check inflates 1,000 bytes and the decoder calls the document corrupt."""
    data = bytearray(zip_bomb_docx(tmp_path / "small.docx", inflated=3_000_000).read_bytes())
    entry = data.index(b"PK\x01\x02")  # central directory entries, until document.xml's
    while data[entry + 46:entry + 46 + 17] != b"word/document.xml":
        entry = data.index(b"PK\x01\x02", entry + 4)
    assert int.from_bytes(data[entry + 24:entry + 28], "little") > 2_000_000
    data[entry + 24:entry + 28] = (1000).to_bytes(4, "little")  # the central directory lies
    before = _rss_mb()
    check_zip(bytes(data), max_inflated=2_000_000)
    doc = decode(bytes(data), "liar.docx")
    assert not doc.readable and "corrupt DOCX" in doc.defects[0]
    assert _rss_mb() - before < 100
    with pytest.raises(TooLarge):  # the honest version of the same file is refused
        check_zip(zip_bomb_docx(tmp_path / "honest.docx", inflated=3_000_000).read_bytes(), max_inflated=2_000_000)


def test_archive_member_count_is_limited() -> None:
    with pytest.raises(TooLarge, match="members"):
        check_zip(many_members_zip(50), max_members=40)
    check_zip(many_members_zip(10), max_members=40)


def test_real_documents_and_corrupt_zips_pass_the_check() -> None:
    data = docx_bytes(["会议开幕", "应到代表186人"])
    check_zip(data)
    check_zip(data[: len(data) // 2])  # corrupt: the decoder reports it, not the size check
    check_zip(b"not a zip at all")
    assert decode(data, "a.docx").text == "会议开幕\n应到代表186人"
    assert MAX_INFLATED_BYTES >= 32 * 1024 * 1024


def test_pdf_text_extraction_stops_past_the_character_limit() -> None:
    page = [f"line {i:03d} of the session report, attendance and quorum figures" for i in range(60)]
    data = pdf_bytes([page] * 40)  # ~3,900 characters a page
    whole = decode(data, "a.pdf")
    assert whole.readable and whole.text.count("line 000") == 40
    cut = decode(data, "a.pdf", max_chars=10_000)
    assert 10_000 < len(cut.text) < 10_000 + 4_500  # stopped on the page that crossed the limit
    assert cut.text == whole.text[: len(cut.text)]
