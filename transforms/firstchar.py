"""Regexes that check the first character of a match before trying their alternatives.

A pattern whose alternatives open with optional words (`(?:重点|着力)?(?:抓好|做好)…`,
`(?:应邀)?出席…`) or with a lookbehind gives Python's regex engine no first character to skip
ahead to: it tries every alternative at every position of the text. `guarded(pattern)` puts
`(?=[…])` in front, the characters a match can start with, derived from the pattern itself
by CPython's own regex parser — so a lookup in one character class rejects most positions, and
the matches (spans, groups) stay exactly the pattern's. When the set cannot be derived (a match
may start with any character, `\\d`, a backreference, case-insensitive, or may be empty), the
pattern is compiled as it is.
"""

from __future__ import annotations

import re

try:  # CPython 3.11+: the parser `re.compile` itself uses
    from re import _constants as _c
    from re import _parser
except ImportError:  # pragma: no cover - another Python: patterns compile unguarded
    _parser = None

Ranges = list[tuple[int, int]]
# (guarded, plain) of every pattern guarded in this process: tests/test_firstchar.py checks that
# each pair matches alike on the project's texts.
GUARDED: list[tuple[re.Pattern[str], re.Pattern[str]]] = []


def guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, with a first-character check in front when one is derivable."""
    plain = re.compile(pattern, flags)
    if plain.flags & re.IGNORECASE or _parser is None:
        return plain
    try:
        first = _first(list(_parser.parse(pattern, flags)))
    except Exception:  # an unexpected parse tree: no check rather than a wrong one
        return plain
    if not first:
        return plain
    cls = "".join(re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "") for lo, hi in sorted(set(first)))
    try:
        checked = re.compile(f"(?=[{cls}])(?:{pattern})", flags)
    except re.error:  # e.g. global inline flags, which must open the pattern
        return plain
    GUARDED.append((checked, plain))
    return checked


def first_ranges(pattern: str, flags: int = 0) -> Ranges | None:
    """The code point ranges a match of `pattern` can start with (a superset), or None."""
    if _parser is None:
        return None
    return _first(list(_parser.parse(pattern, flags)))


def _first(items: list) -> Ranges | None:
    """First-character ranges of a parsed sequence; None when any character (or none) could be."""
    found: Ranges = []
    for op, av in items:
        if op is _c.LITERAL:
            return found + [(av, av)]
        if op is _c.IN:
            got = _class(av)
            return None if got is None else found + got
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # zero-width: they only narrow what follows
        if op is _c.BRANCH:
            nullable = False
            for alt in av[1]:
                got = _first(list(alt))
                if got is None:
                    return None
                found += got
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            got = _first(list(av[2]))
            if got is None:
                return None
            found += got
            nullable = av[0] == 0
        elif op is _c.SUBPATTERN:
            got = _first(list(av[3]))
            if got is None:
                return None
            found += got
            nullable = False
        else:
            return None
        if not nullable:
            return found
    return None  # the sequence can match the empty string


def _class(items: list) -> Ranges | None:
    out: Ranges = []
    for kind, v in items:
        if kind is _c.LITERAL:
            out.append((v, v))
        elif kind is _c.RANGE:
            out.append((v[0], v[1]))
        else:  # NEGATE, CATEGORY (\d, \s, \w): not a short list
            return None
    return out
