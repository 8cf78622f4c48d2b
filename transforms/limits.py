"""Size limits checked before a decoder expands its input (pure: bytes in, verdict out).

A DOCX is a zip archive: 4 MB on disk can inflate to gigabytes (a "zip bomb"), and the
decoders would hold it all in memory. `check_zip` reads only the archive's directory and then
inflates each member in small chunks, counting, and stops at the limit — so a bomb costs at
most `max_inflated` bytes of CPU work and a few kilobytes of memory, never its full size.
"""

from __future__ import annotations

import io
import zipfile

# A real report's document.xml is a few MB at most (200,000 characters of text, with Word's
# markup around each run); images are stored compressed and barely inflate.
MAX_INFLATED_BYTES = 64 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 10_000
_CHUNK = 1 << 16


class TooLarge(ValueError):
    """The input passes a size limit: not decoded further (quarantine rule `too_large`)."""


def check_zip(data: bytes, max_inflated: int = MAX_INFLATED_BYTES, max_members: int = MAX_ARCHIVE_MEMBERS) -> None:
    """Raise TooLarge when the zip archive in `data` declares or actually inflates to more than
    `max_inflated` bytes in all, or holds more than `max_members` members. A corrupt archive
    is not this function's business: it returns, and the decoder reports the corruption."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    with zf:
        members = zf.infolist()
        if len(members) > max_members:
            raise TooLarge(f"archive holds {len(members):,} members, over the {max_members:,}-member limit; "
                           "not decoded")
        declared = sum(m.file_size for m in members)
        if declared > max_inflated:
            raise TooLarge(f"archive declares {declared:,} bytes when inflated, over the {max_inflated:,}-byte "
                           "limit; not decoded")
        # Headers can lie: count what actually comes out, and stop as soon as it is too much.
        total = 0
        for member in members:
            try:
                with zf.open(member) as fh:
                    while chunk := fh.read(_CHUNK):
                        total += len(chunk)
                        if total > max_inflated:
                            raise TooLarge(f"archive inflates to more than {max_inflated:,} bytes (stopped at "
                                           f"member {member.filename!r}); not decoded")
            except TooLarge:
                raise
            except Exception:  # a corrupt member: the decoder says so
                return
