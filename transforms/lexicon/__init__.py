"""The words of the grammar: cue words, lead-in forms and quorum phrases, one module per family.

Knowledge as data, grammar as code: the extractors (`transforms/<family>.py`) hold the structure
of a sentence (what comes before a count, how far a cue reaches); the modules here hold the words
that fill it. To teach the extractor a new phrasing, add the word to the right list and an example
sentence with what it should yield: `tests/test_lexicon.py` runs every example through the
extractor.

    ROSTER = words(
        "roster: the size of the group the meeting counts against",
        "应出席 应到 应到会 …",
        examples={"会议应到代表200人，实到190人。": {"required": 200, "present": 190}},
    )

`words()` rejects a word listed twice; `alternation()` builds the regex alternative of one or
more lists, longest word first (so `应到会` is tried before `应到`), and rejects a word that two
of the lists share. `TRIGGERS` per family are the words of which a sentence must hold one before
that family's patterns can match there (`TextView.hits` finds them all in one Aho–Corasick pass).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Words:
    """A named list of phrasings with the sentences that show them in use."""

    meaning: str
    items: tuple[str, ...]
    # sentence → the facts the extractor should read from it (field → value); the text is
    # extracted on its own, so it names its meeting when a family needs one.
    examples: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, word: object) -> bool:
        return word in self.items

    @property
    def pattern(self) -> str:
        """Regex alternative of the words, longest first (no group)."""
        return alternation(self)


def _split(items: str | Iterable[str]) -> tuple[str, ...]:
    return tuple(items.split()) if isinstance(items, str) else tuple(items)


def words(meaning: str, items: str | Iterable[str],
          examples: Mapping[str, Mapping[str, Any]] | None = None) -> Words:
    """A word list (whitespace-separated string or iterable); a word listed twice is an error."""
    got = _split(items)
    seen: set[str] = set()
    for w in got:
        if not w:
            raise ValueError(f"{meaning}: empty word")
        if w in seen:
            raise ValueError(f"{meaning}: {w!r} listed twice")
        seen.add(w)
    return Words(meaning, got, dict(examples or {}))


def alternation(*lists: Words | Iterable[str], escape: bool = True) -> str:
    """`(?:w1|w2|…)` of every word of `lists`, longest first; a word in two lists is an error.

    With `escape=False` the words are regex fragments already (e.g. `常务委员(?!会)`), ordered by
    their literal length."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for k, lst in enumerate(lists):
        for w in (lst.items if isinstance(lst, Words) else _split(lst)):
            if w in seen:
                raise ValueError(f"{w!r} listed twice" + ("" if seen[w] == k else " (in two lists)"))
            seen[w] = k
            out.append(w)
    out.sort(key=lambda w: -len(re.sub(r"\(\?[^)]*\)|\\.|[\[\]()?*+{}|^$]", "", w)) if not escape else -len(w))
    return "(?:" + "|".join(re.escape(w) if escape else w for w in out) + ")"


def compile_words(*lists: Words | Iterable[str], flags: int = 0) -> re.Pattern[str]:
    return re.compile(alternation(*lists), flags)


def triggers() -> dict[str, tuple[str, ...]]:
    """family → the words one of which a sentence must hold for that family's patterns."""
    from transforms.lexicon import agenda, attendance, dates

    return {
        "attendance": tuple(attendance.TRIGGERS),
        "agenda_titles": tuple(agenda.TITLE_TRIGGERS),
        "key_tasks": tuple(agenda.TASK_TRIGGERS),
        "sitting_verbs": tuple(dates.SITTING_VERBS),
    }
