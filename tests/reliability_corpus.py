"""A deterministic inbox of a few hundred distinct reports for the reliability tests.

Built from the project's own fixtures (seeds/reports, tests/cases): each copy gets its own
numbers, a rotated name and a unique closing line, so every file is distinct content. A few
defective files ride along so that quarantine has rows too.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "seeds" / "reports").glob("*.txt")) + sorted((ROOT / "tests" / "cases").rglob("*.txt"))
NAMES = ("王建军", "李文", "张丽华", "陈志强", "刘慧芳", "赵立新", "孙国庆", "周海燕")


def _vary(text: str, i: int, rng: random.Random) -> str:
    bump = rng.randint(0, 3)
    # Counts move together (present may now exceed required: a quarantine case, on purpose).
    text = re.sub(r"(\d+)(人|名)", lambda m: f"{int(m.group(1)) + bump}{m.group(2)}", text)
    for old in NAMES:
        if old in text:
            text = text.replace(old, NAMES[(NAMES.index(old) + i) % len(NAMES)], 1)
            break
    return f"{text.rstrip()}\n\n（本稿编号 {i:04d}，校验码 {rng.getrandbits(32):08x}）\n"


def build_inbox(inbox: Path, n: int = 300, seed: int = 4) -> list[Path]:
    """Write `n` distinct report files (plus a handful of defective ones) into `inbox`."""
    rng = random.Random(seed)
    inbox.mkdir(parents=True, exist_ok=True)
    templates = [p.read_bytes().decode("utf-8", "replace") for p in SOURCES]
    written = []
    for i in range(n):
        src = SOURCES[i % len(SOURCES)]
        text = _vary(templates[i % len(templates)], i, rng)
        path = inbox / f"{i // 100:02d}" / f"{i:04d}_{src.stem}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("gb18030" if i % 7 == 3 else "utf-8", "replace"))
        written.append(path)
    for name, data in (("empty.txt", b""), ("binary.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
                       ("cut.txt", "会议开幕".encode()[:-1])):
        (inbox / name).write_bytes(data)
        written.append(inbox / name)
    return written
