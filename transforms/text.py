"""One view of a document's text, built once and handed to every fact family.

`TextView.of(doc)` holds what the families read:

* `s` — `doc.clean` in simplified script, same length, so a position in `s` is a position in
  `doc.clean` (`fact()` maps it back to the decoded text). OpenCC runs only when the clean text
  still holds a character it would change (`transforms.script`);
* `sentences` — sentence boundaries of `s` (`SENTENCE_END`: full stops and line breaks; a
  semicolon parts clauses, not sentences);
* `joined` / `spaced` — working copies for the attendance and people grammars: a PDF's soft
  line wraps removed, and (spaced) the spaces that normalisation dropped between two runs of
  two or more characters put back as separators (`张三 李四` is a name list), each with a map
  back to positions in `s`;
* `hits(family)` — where the family's trigger words (`transforms.lexicon.triggers()`) occur, from
  one Aho–Corasick pass for all families; `sentences_with(family)` and `windows(family)` turn them
  into the only stretches of text that family's patterns need to scan;
* `first_line()`, `clause_start()`;
* `memo` — analyses several families share (the located meeting, say), computed once per view.

Everything is built with regexes, `str.translate` and offset runs: no per-character Python loop.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from transforms.script import simplify

if TYPE_CHECKING:  # document.py imports normalize.py, which imports these constants
    from transforms.document import Document
    from transforms.facts import Fact
    from transforms.normalize import OffsetMap

# ---------------------------------------------------------------------------- punctuation

# Ends a full sentence.
FULL_STOP = "。！？!?"
# Ends a sentence as every extractor reads it: a full stop or a line break (titles, datelines,
# list lines). A semicolon does not: it parts the clauses of one statement (`实到代表186名；缺席13名；
# 应到199名。`, a list of report titles) — one definition for every family.
SENTENCE_END = FULL_STOP + "\n"
# Ends a clause inside a sentence.
CLAUSE_END = SENTENCE_END + "；;，,：:"
# A line that ends with one of these ends its sentence there (it is not a soft line wrap).
LINE_FINAL = FULL_STOP + "；：;:.…」』”\"'）)】]》"


def _class(chars: str) -> str:
    return "[" + re.escape(chars) + "]"


class Sentences:
    """Sentence numbering of a string: boundaries at any character of `ends`."""

    def __init__(self, s: str, ends: str = SENTENCE_END) -> None:
        self.length = len(s)
        self.ends = [m.start() for m in re.finditer(_class(ends), s)]

    @classmethod
    def with_ends(cls, length: int, ends: list[int]) -> "Sentences":
        """The sentences of a string of `length` characters ending at the positions `ends`."""
        out = cls.__new__(cls)
        out.length, out.ends = length, ends
        return out

    def index(self, pos: int) -> int:
        """The sentence holding `pos` (a terminal character belongs to its sentence)."""
        return bisect_left(self.ends, pos)

    def bounds(self, idx: int) -> tuple[int, int]:
        """[start, end) of sentence `idx`, its terminal character included."""
        start = self.ends[idx - 1] + 1 if idx > 0 else 0
        end = self.ends[idx] + 1 if idx < len(self.ends) else self.length
        return start, end

    def around(self, pos: int) -> tuple[int, int]:
        """[start, end) of the sentence around `pos`, without its terminal character."""
        idx = self.index(pos)
        start = self.ends[idx - 1] + 1 if idx > 0 else 0
        end = self.ends[idx] if idx < len(self.ends) else self.length
        return start, end

    def spans(self) -> list[tuple[int, int]]:
        """Every non-empty sentence, terminal included."""
        out = []
        start = 0
        for e in self.ends:
            if e + 1 > start:
                out.append((start, e + 1))
            start = e + 1
        if start < self.length:
            out.append((start, self.length))
        return out


@dataclass(eq=False)
class Derived:
    """A working copy of a view's text with characters dropped or inserted: `s`, and `pos`, the
    index in the view's `s` (= in `doc.clean`) of each character of it."""

    view: "TextView"
    s: str
    pos: "OffsetMap"

    @cached_property
    def sentences(self) -> Sentences:
        return self.view.sentences if self.s is self.view.s else Sentences(self.s)

    def fact(self, value: Any, start: int, end: int) -> "Fact[Any]":
        if end <= start:
            end = start + 1
        return self.view.fact(value, self.pos[start], self.pos[end - 1] + 1)


# A line break that wraps a sentence in a PDF text layer: not after a sentence end, a colon, a
# line break or a space, and followed by text.
_PDF_WRAP = re.compile(r"(?<=[^。!?;；！？:\n ])\n(?=[^\n ])")
_RUN_STOP = set("、,，。;；:：()（）")


def _run(text: str, i: int, step: int) -> int:
    """Length (up to 3) of the run of non-space, non-punctuation characters at text[i] going `step`."""
    k = 0
    while 0 <= i < len(text) and text[i].strip() and text[i] not in _RUN_STOP and k < 3:
        k += 1
        i += step
    return k


@dataclass(eq=False)
class TextView:
    doc: "Document"
    s: str
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: "Document") -> "TextView":
        return cls(doc=doc, s=simplify(doc.clean))

    # Families that read the unsimplified clean text (keywords) take the view like a Document.
    @property
    def clean(self) -> str:
        return self.doc.clean

    def fact(self, value: Any, start: int, end: int) -> "Fact[Any]":
        """A Fact for `value` read from s[start:end]."""
        return self.doc.fact(value, start, end)

    # ------------------------------------------------------------------ segmentation

    @cached_property
    def sentences(self) -> Sentences:
        return Sentences(self.s)

    def first_line(self) -> tuple[int, int]:
        """[start, end) of the first line with text, without its surrounding whitespace."""
        m = re.search(r"\S[^\n]*", self.s)
        if m is None:
            return 0, 0
        return m.start(), m.start() + len(m.group().rstrip())

    def clause_start(self, pos: int, bounds: str = CLAUSE_END) -> int:
        """Start of the clause that holds `pos` (after the last of `bounds` before it)."""
        return max(self.s.rfind(ch, 0, pos) for ch in bounds) + 1

    # ------------------------------------------------------------------ cue pre-filters

    @cached_property
    def _hits(self) -> dict[str, list[int]]:
        automaton = _automaton()
        found: dict[str, list[int]] = {family: [] for family in _trigger_words()}
        for end, (length, families) in automaton.iter(self.s):
            start = end - length + 1
            for family in families:
                found[family].append(start)
        return found

    def hits(self, family: str) -> list[int]:
        """Start positions (ascending) of the family's trigger words in `s`."""
        return self._hits[family]

    def sentences_with(self, family: str, sentences: Sentences | None = None) -> list[int]:
        """Indexes (ascending) of the sentences that hold one of the family's trigger words."""
        sents = sentences or self.sentences
        return sorted({sents.index(p) for p in self.hits(family)})

    @cached_property
    def full_sentences(self) -> Sentences:
        """Sentences ended by a full stop only (`FULL_STOP`), line breaks inside them: the
        `sentences` ends that are not line breaks (a fifth of the cost of another scan)."""
        s = self.s
        return Sentences.with_ends(len(s), [e for e in self.sentences.ends if s[e] != "\n"])

    def windows(self, family: str, context: int = 1) -> list[tuple[int, int]]:
        """Merged [start, end) stretches: each full sentence (`full_sentences`) holding a trigger
        word with `context` full sentences either side (blank ones not counted). Full sentences,
        not lines: a figure may run across line breaks (`应到\n200\n人`, found by
        tests/test_fast_paths.py), never across a full stop."""
        sents = self.full_sentences
        spans: list[tuple[int, int]] = []
        last = len(sents.ends)
        for idx in self.sentences_with(family, sents):
            lo, hi = idx, idx
            for _ in range(context):
                lo = max(0, lo - 1)
                while lo > 0 and not self.s[slice(*sents.bounds(lo))].strip():
                    lo -= 1
                hi = min(last, hi + 1)
                while hi < last and not self.s[slice(*sents.bounds(hi))].strip():
                    hi += 1
            a, b = sents.bounds(lo)[0], sents.bounds(hi)[1]
            if spans and a <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], b))
            else:
                spans.append((a, b))
        return spans

    # ------------------------------------------------------------------ working copies

    def _pdf_wraps(self) -> list[int]:
        if self.doc.format != "pdf":
            return []
        return [m.start() for m in _PDF_WRAP.finditer(self.doc.clean)]

    def _dropped_spaces(self, skip: set[int]) -> list[int]:
        """Clean positions before which normalisation dropped a space between two runs of two
        or more characters on one line (`张三 李四`)."""
        doc = self.doc
        ctt, text = doc.clean_to_text, doc.text
        out = []
        for i in ctt.jumps():
            if i in skip:
                continue
            gap = text[ctt[i - 1] + 1:ctt[i]]
            if gap and not gap.strip() and "\n" not in gap and _run(text, ctt[i - 1], -1) >= 2 \
                    and _run(text, ctt[i], 1) >= 2:
                out.append(i)
        return out

    def _derive(self, drop: list[int], insert: list[int]) -> Derived:
        from transforms.normalize import OffsetMap

        if not drop and not insert:
            return Derived(self, self.s, OffsetMap.identity(len(self.s)))
        events = sorted([(i, 0) for i in insert] + [(i, 1) for i in drop])
        pieces: list[str] = []
        starts: list[int] = []
        origins: list[int] = []
        pos = 0  # next position of s to copy
        out = 0  # length of the copy so far
        for i, kind in events:
            if i > pos:
                starts.append(out)
                origins.append(pos)
                pieces.append(self.s[pos:i])
                out += i - pos
                pos = i
            if kind == 0:  # a space in front of s[i], standing for position i
                starts.append(out)
                origins.append(i)
                pieces.append(" ")
                out += 1
            else:  # s[i] left out
                pos = i + 1
        if pos < len(self.s):
            starts.append(out)
            origins.append(pos)
            pieces.append(self.s[pos:])
            out += len(self.s) - pos
        if not starts:
            starts, origins = [0], [len(self.s)]
        return Derived(self, "".join(pieces), OffsetMap(tuple(starts), tuple(origins), out, len(self.s)))

    @cached_property
    def joined(self) -> Derived:
        """`s` with a PDF's soft line wraps removed."""
        return self._derive(self._pdf_wraps(), [])

    @cached_property
    def spaced(self) -> Derived:
        """`joined`, plus the spaces that separated runs of two or more characters."""
        drop = self._pdf_wraps()
        return self._derive(drop, self._dropped_spaces(set(drop)))


@lru_cache(maxsize=1)
def _trigger_words() -> dict[str, tuple[str, ...]]:
    from transforms.lexicon import triggers

    return triggers()


@lru_cache(maxsize=1)
def _automaton():
    """One Aho–Corasick automaton over every family's trigger words: word → (length, families)."""
    import ahocorasick

    by_word: dict[str, list[str]] = {}
    for family, words in _trigger_words().items():
        for w in words:
            by_word.setdefault(w, []).append(family)
    automaton = ahocorasick.Automaton()
    for w, families in by_word.items():
        automaton.add_word(w, (len(w), tuple(families)))
    automaton.make_automaton()
    return automaton
