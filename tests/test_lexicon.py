"""The lexicon's example sentences, run through the whole extractor, and the list helpers.

Every word list in `transforms/lexicon/` may carry example sentences with the facts the
extractor must read from them (a field set to None must stay unread). A person adding a phrasing
adds a word and an example; this test is what holds the grammar to it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import transforms.lexicon as lexicon_pkg
from transforms.document import Document
from transforms.extract import extract
from transforms.lexicon import Words, alternation, triggers, words

MODULES = [importlib.import_module(f"transforms.lexicon.{m.name}") for m in pkgutil.iter_modules(lexicon_pkg.__path__)]


def _lists() -> list[tuple[str, Words]]:
    out = []
    for mod in MODULES:
        for name, value in vars(mod).items():
            if isinstance(value, Words):
                out.append((f"{mod.__name__.rsplit('.', 1)[-1]}.{name}", value))
    return out


LISTS = _lists()
EXAMPLES = [(f"{label}:{i}", text, expected) for label, lst in LISTS
            for i, (text, expected) in enumerate(lst.examples.items())]


def test_every_family_has_a_lexicon_with_examples() -> None:
    names = {label.split(".")[0] for label, _ in LISTS}
    assert {"sitting", "meeting", "attendance", "dates", "people", "agenda", "common"} <= names
    assert len(EXAMPLES) >= 40


@pytest.mark.parametrize("label, text, expected", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_yields_its_facts(label: str, text: str, expected: dict) -> None:
    doc = Document.from_text(text)
    facts = extract(doc)
    got = facts.record()
    wrong = {k: (got[k], v) for k, v in expected.items() if got[k] != v}
    assert not wrong, f"{label}: " + "; ".join(f"{k}: got {g!r}, expected {e!r}" for k, (g, e) in wrong.items())
    for _, fact in facts.facts():
        assert doc.text[fact.start:fact.end] == fact.snippet


@pytest.mark.parametrize("label, lst", LISTS, ids=[label for label, _ in LISTS])
def test_lists_hold_no_duplicates_and_build(label: str, lst: Words) -> None:
    assert len(set(lst.items)) == len(lst.items), label
    re.compile(lst.pattern)


def test_words_rejects_a_word_listed_twice() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        words("test", "应到 实到 应到")


def test_alternation_is_longest_first_and_rejects_shared_words() -> None:
    pattern = alternation(words("a", "应到 应到会"), words("b", "实到"))
    assert re.compile(pattern).match("应到会").group() == "应到会"
    assert pattern.index("应到会") < pattern.index("应到|")
    with pytest.raises(ValueError, match="two lists"):
        alternation(words("a", "出席 到会"), words("b", "到会"))


def test_trigger_lists_are_the_lexicons() -> None:
    found = triggers()
    assert set(found) == {"attendance", "agenda_titles", "key_tasks", "sitting_verbs"}
    assert all(found.values())
