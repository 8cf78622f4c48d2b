"""The benchmark corpus generator: deterministic, varied, and its expected facts are what
extraction reads back (so it also tests extraction on phrasings beyond the dev corpus)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.generate import cn_number, expected_violations, generate, generate_one, read_manifest, write_corpus
from transforms import keywords
from transforms.decode import decode
from transforms.extract import extract
from transforms.facts import GOLD_FIELDS

N = 120


@pytest.fixture(scope="module")
def corpus() -> list:
    return list(generate(N, seed=2024))


def test_same_seed_same_bytes_and_facts(corpus) -> None:
    again = list(generate(N, seed=2024))
    assert [(g.name, g.data, g.expected) for g in again] == [(g.name, g.data, g.expected) for g in corpus]
    # A report does not depend on how many come before it.
    assert generate_one(2024, 77) == corpus[77]


def test_a_longer_corpus_continues_a_shorter_one() -> None:
    """The bench's next night is `generate(k, start=n)`: exactly the files a corpus of n + k adds."""
    assert [g.name for g in generate(1010, seed=3)][1000:] == [g.name for g in generate(10, seed=3, start=1000)]
    assert generate_one(3, 1003) == next(generate(1, seed=3, start=1003))


def test_other_seed_other_corpus(corpus) -> None:
    other = list(generate(N, seed=2025))
    assert sum(a.data != b.data for a, b in zip(corpus, other)) > N * 0.9


def test_corpus_is_varied() -> None:
    sample = list(generate(600, seed=5))
    kinds = Counter(g.expected.get("encoding", "invalid") for g in sample)
    assert {"utf-8", "gb18030", "big5", "utf-16", "invalid"} <= set(kinds)
    assert any(g.name.endswith(".html") for g in sample)
    valid = [g for g in sample if g.expected.get("is_meeting_report")]
    assert {g.expected["body"] for g in valid} == {"人大", "政协", "人大常委会"}
    assert {g.expected["level"] for g in valid} == {"province", "city", "county", "township"}
    assert {g.expected["event"] for g in valid} >= {"开幕", "闭幕", "other"}
    sizes = [len(g.data) for g in valid if g.expected["encoding"] == "utf-8"]
    assert min(sizes) < 3 * 1024 and max(sizes) > 20 * 1024
    assert any(g.expected["expected_violations"] for g in valid)
    assert any(g.expected["absent"] is not None for g in valid)


def test_sittings_have_few_reports_some_reposts_and_rare_conflicts() -> None:
    """The shape README's Performance states: distinct sessions per region and year, 1-3
    reports per sitting plus reposts, few true conflicts, sessions numbered in date order."""
    sample = [g for g in generate(3000, seed=5) if g.expected.get("is_meeting_report")]
    sittings: dict[tuple, list] = {}
    for g in sample:
        e = g.expected
        sittings.setdefault((e["region"], e["body"], e["term"], e["session"], e["event"]), []).append(g)
    originals = {k: [g for g in v if "_repost_" not in g.name] for k, v in sittings.items()}
    sizes = Counter(len(v) for v in originals.values())
    assert set(sizes) <= {0, 1, 2, 3} and sizes[1] > sizes[2] > sizes[3] > 0  # 0: only a repost survived
    assert 0.05 < sum("_repost_" in g.name for g in sample) / len(sample) < 0.2
    meetings = {k[:4] for k in sittings}
    assert len(sample) / len(meetings) < 3.5 and len({k[0] for k in meetings}) > 300
    several = [v for v in originals.values() if len(v) > 1]
    disagree = [v for v in several if len({g.expected["present"] for g in v}) > 1]
    assert len(disagree) <= 0.1 * len(several)
    # Within a region, body and term, a later session never has an earlier full date.
    firsts: dict[tuple, dict[int, str]] = {}
    for (region, body, term, session, _), v in sittings.items():
        for g in v:
            if len(g.expected["date"]) == 10:
                days = firsts.setdefault((region, body, term), {})
                days[session] = min(days.get(session, g.expected["date"]), g.expected["date"])
    for days in firsts.values():
        order = [days[s] for s in sorted(days)]
        assert order == sorted(order)


def test_extraction_recovers_the_expected_facts(corpus) -> None:
    keywords.load_user_dictionary(keywords.USER_DICT.read_text(encoding="utf-8").splitlines())
    wrong: list[str] = []
    checked = 0
    for g in corpus:
        doc = decode(g.data, g.name)
        if g.expected.get("expected_violations") == ["unreadable"]:
            assert doc.defects, f"{g.name}: invalid bytes decoded without a defect"
            continue
        assert not doc.defects, f"{g.name}: {doc.defects}"
        got = extract(doc).record()
        checked += 1
        wrong += [f"{g.name} {k}: got {got[k]!r}, expected {g.expected[k]!r}"
                  for k in GOLD_FIELDS if got[k] != g.expected[k]]
    assert checked > N * 0.9
    assert not wrong, "\n".join(wrong[:20])


def test_expected_violations_follow_the_rules() -> None:
    base = {"attendance_scope": "deputies", "required": 100, "present": 90, "absent": 10, "quorum_claimed": True,
            "executive_chairs": ["甲乙"], "presider": "甲乙"}
    assert expected_violations(base) == []
    assert expected_violations({**base, "present": 101, "absent": None}) == ["present_le_required"]
    assert expected_violations({**base, "present": 60, "absent": 40}) == ["quorum_two_thirds",
                                                                          "quorum_claim_consistent"]
    assert expected_violations({**base, "absent": 11}) == ["present_plus_absent_eq_required"]
    assert expected_violations({**base, "presider": "丙丁"}) == ["presider_in_chairs"]


def test_every_region_resolves_to_its_level() -> None:
    from bench.generate import REGIONS
    from transforms.regions import resolve_region

    assert len({name for name, _, _ in REGIONS}) == len(REGIONS) > 500
    for name, level, _ in REGIONS:
        match = resolve_region(name)
        assert match is not None and match.level == level and not match.ambiguous, name


@pytest.mark.parametrize("n, text", [(3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (203, "二百零三"),
                                     (215, "二百一十五"), (1005, "一千零五"), (2981, "二千九百八十一")])
def test_chinese_numerals(n: int, text: str) -> None:
    assert cn_number(n) == text


def test_write_corpus_files_and_manifest(tmp_path: Path) -> None:
    out = write_corpus(tmp_path / "c", 25, seed=9, per_dir=10)
    manifest = read_manifest(out)
    files = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert len(manifest) == len(files) == 25
    assert sorted(out / m["file"] for m in manifest) == files
    first = generate_one(9, 0)
    assert (out / manifest[0]["file"]).read_bytes() == first.data
