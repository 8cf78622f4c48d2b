"""Bytes + file name → Document: the decoded text every span points into.

Decoding never raises for bad content: a file that is empty, binary or truncated yields a
Document whose `defects` say why (rule `unreadable`), holding whatever text could be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transforms.facts import Fact
from transforms.normalize import OffsetMap, normalize


@dataclass(frozen=True)
class Document:
    text: str  # decoded text; every Fact span indexes into this
    clean: str  # normalised text the extractors read (simplified, half-width, junk removed)
    clean_to_text: OffsetMap  # clean index i → text index; len(clean) + 1 entries
    encoding: str | None = None
    format: str = "txt"  # txt | html | docx | pdf
    title: str | None = None
    published_at: str | None = None  # YYYY-MM-DD from the document's own metadata
    defects: tuple[str, ...] = field(default_factory=tuple)  # why the bytes are not clean text

    @classmethod
    def from_text(cls, text: str, **meta: Any) -> "Document":
        clean, mapping = normalize(text)
        return cls(text=text, clean=clean, clean_to_text=mapping, **meta)

    def text_span(self, cstart: int, cend: int) -> tuple[int, int]:
        """Map a [cstart, cend) span of `clean` to the tightest span of `text`."""
        if cend <= cstart:
            pos = self.clean_to_text[cstart]
            return pos, pos
        return self.clean_to_text[cstart], self.clean_to_text[cend - 1] + 1

    def fact(self, value: Any, cstart: int, cend: int) -> Fact[Any]:
        """A Fact for `value` read from clean[cstart:cend]."""
        start, end = self.text_span(cstart, cend)
        return Fact(value=value, start=start, end=end, snippet=self.text[start:end])

    @property
    def readable(self) -> bool:
        return not self.defects
