"""`transforms.firstchar.guarded`: a first-character check in front of a regex, derived from the
pattern, that changes no match — checked on the derivation itself and on every pattern the
extractors guard, over the dev corpus, the fixtures, generated reports and random text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import transforms.extract  # noqa: F401  (imports every family, so every guarded pattern)
from bench.generate import generate_text
from transforms.decode import decode
from transforms.firstchar import GUARDED, first_ranges, guarded
from transforms.text import TextView


def _chars(pattern: str) -> str | None:
    got = first_ranges(pattern)
    return None if got is None else "".join(sorted({chr(c) for lo, hi in got for c in range(lo, hi + 1)}))


@pytest.mark.parametrize("pattern, first", [
    ("(?:ab)?c|d*e", "acde"),  # optional words: their first characters and what follows
    ("(?:应邀)?出席", "出应"),
    ("(?<![月])(?P<d>[一二]{1,3})日", "一二"),  # a lookbehind only narrows
    ("[a-c]x|y", "abcy"),
    ("x?", None),  # may match the empty string
    ("[^a]b", None),  # any character but one
    (r"\dx", None),  # a category
    ("a|", None),
    (r"(a)\1", "a"),
])
def test_first_characters_of_a_pattern(pattern: str, first: str | None) -> None:
    assert _chars(pattern) == first


def test_unguardable_patterns_compile_as_they_are() -> None:
    for pattern, flags in (("x?", 0), ("[^a]b", 0), ("abc", re.I), ("(?s)a.b", 0)):
        assert guarded(pattern, flags).pattern == pattern
    got = guarded("(?:应邀)?出席(?P<what>会议)")
    assert got.pattern.startswith("(?=[") and got.groupindex == {"what": 1}


def _texts(corpus_dir: Path, cases_dir: Path) -> list[str]:
    paths = sorted((corpus_dir / "reports").iterdir()) + sorted(p for p in cases_dir.rglob("*") if p.is_file())
    docs = [decode(p.read_bytes(), p.name) for p in paths]
    docs += [decode(t.encode(), "g.txt") for t in (generate_text(0, i) for i in range(150)) if t]
    return [t for d in docs if d.clean.strip() for t in (d.text, TextView.of(d).s)]


def _matches(rx: re.Pattern[str], text: str) -> list:
    return [(m.span(), m.groups(), m.groupdict()) for m in rx.finditer(text)]


def test_guarded_patterns_match_like_their_plain_selves(corpus_dir: Path, cases_dir: Path) -> None:
    assert len(GUARDED) >= 10
    texts = _texts(corpus_dir, cases_dir)
    matched = 0
    for checked, plain in GUARDED:
        for text in texts:
            got = _matches(checked, text)
            assert got == _matches(plain, text), plain.pattern
            matched += bool(got)
    assert matched >= 100  # the texts exercise the patterns


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_guarded_patterns_match_like_their_plain_selves_on_random_text(data) -> None:
    checked, plain = data.draw(st.sampled_from(GUARDED))
    # Text made of the pattern's own characters (and a few others), so matches happen.
    alphabet = sorted({c for c in plain.pattern if not c.isascii()} | set("0123456789 ，。:：\n"))
    text = data.draw(st.text(alphabet=st.sampled_from(alphabet), max_size=80))
    assert _matches(checked, text) == _matches(plain, text)
