"""The shipped segmenter (jieba_next, HMM off, user dictionary loaded) cuts exactly like the
reference, stock jieba 0.42.1 in the same mode, on every text the project has: the dev corpus,
the project's fixtures, generated reports and arbitrary text. Speed is measured by
`python -m bench.segmentation`, not here."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.generate import generate_text
from transforms import keywords as kw
from transforms.decode import decode
from transforms.document import Document

kw.load_user_dictionary(kw.USER_DICT.read_text(encoding="utf-8").splitlines())
GENERATED = 400
SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")


def _texts_of(paths: list[Path]) -> list[tuple[str, str]]:
    """(name, text) for the decoded and the clean text of every readable file."""
    out = []
    for p in paths:
        doc = decode(p.read_bytes(), p.name)
        if doc.text.strip():
            out += [(f"{p.name} (text)", doc.text), (f"{p.name} (clean)", doc.clean)]
    return out


def _differing(texts: list[tuple[str, str]]) -> list[str]:
    return [name for name, text in texts if kw.segment(text) != kw.reference_segment(text)]


def test_the_shipped_segmenter_is_jieba_next_with_the_hmm_off() -> None:
    import jieba

    assert kw.SEGMENTER == "jieba_next" and kw.HMM is False
    assert jieba.__version__ == "0.42.1"
    # The user dictionary reached both: its multi-word terms stay whole in each.
    text = "大会审议了国民经济和社会发展计划，要深化供给侧结构性改革，优化营商环境。"
    for cut in (kw.segment, kw.reference_segment):
        tokens = cut(text)
        assert "供给侧结构性改革" in tokens and "营商环境" in tokens and "".join(tokens) == text


def test_tokens_equal_stock_jieba_on_the_dev_corpus(corpus_dir: Path) -> None:
    texts = _texts_of(sorted((corpus_dir / "reports").iterdir()))
    assert len(texts) >= 80
    assert _differing(texts) == []


def test_tokens_equal_stock_jieba_on_the_project_fixtures(cases_dir: Path) -> None:
    texts = _texts_of(sorted(p for p in cases_dir.rglob("*") if p.is_file() and p.suffix in SUFFIXES))
    assert len(texts) >= 120
    assert _differing(texts) == []


def test_tokens_equal_stock_jieba_on_generated_reports() -> None:
    raw = [(f"generated {i}", t) for i, t in ((i, generate_text(0, i)) for i in range(GENERATED)) if t]
    texts = raw + [(f"{name} (clean)", Document.from_text(t).clean) for name, t in raw]
    assert len(texts) >= GENERATED
    assert _differing(texts) == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.text(alphabet=st.sampled_from(list(
    "人民代表大会常务委员会营商环境乡村振兴的了是第十四届二次会议林艶摄記者報道，。、“”（）() \n\t+-%0123456789Abc")),
    max_size=120))
def test_tokens_equal_stock_jieba_on_any_text(text: str) -> None:
    assert kw.segment(text) == kw.reference_segment(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("人民代表大会营商环境第十四届林艶摄記者，。 \n\t\r\u3000+-#&._%0129AbZａ𠀀"),
               max_size=80))
def test_the_route_walk_equals_jieba_nexts_own_cut(text: str) -> None:
    """`segment` walks jieba_next's route itself (README "Segmentation"): the tokens are the ones
    jieba_next's own `cut` gives, blocks, whitespace and glued ASCII letters and digits included."""
    import jieba_next

    assert kw.segment(text) == jieba_next.lcut(text, HMM=False)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "２０２４年", "ＡＢＣ人大", "𠀀𠀁人大"])
def test_edge_texts(text: str) -> None:
    assert kw.segment(text) == kw.reference_segment(text)
    assert "".join(kw.segment(text)) == text


def test_extraction_never_loads_stock_jiebas_dictionary() -> None:
    """A worker loads the user dictionary and extracts: only jieba_next's dictionary is built
    (stock jieba's costs another 0.9 s and 81 MB per process)."""
    import subprocess
    import sys

    code = (
        "from transforms import keywords as kw; import jieba\n"
        "kw.load_user_dictionary(kw.USER_DICT.read_text(encoding='utf-8').splitlines())\n"
        "from transforms.document import Document; from transforms.extract import extract\n"
        "f = extract(Document.from_text('平遥县第十七届人民代表大会第五次会议开幕。会议听取了政府工作报告，"
        "要求推进乡村振兴和营商环境建设。'))\n"
        "assert f.keywords, f\n"
        "print(jieba.dt.initialized)\n"
    )
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == "False"


def _long_tokens_with_offsets(text: str) -> tuple[list[str], list[int]]:
    """What `content_tokens` must give, from the whole segmentation: every token of two or more
    characters besides whitespace (a `\r\n` is one token) and where it starts."""
    tokens, starts, at = [], [], 0
    for token in kw.segment(text):
        if len(token.strip()) > 1:
            tokens.append(token)
            starts.append(at)
        at += len(token)
    return tokens, starts


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("人民代表大会营商环境第十四届林艶摄記者，。 \n\t\r\u3000+-#&._%0129AbZａ𠀀"),
               max_size=80) | st.text(max_size=80))
def test_content_tokens_are_the_long_tokens_of_the_segmentation(text: str) -> None:
    assert kw.content_tokens(text) == _long_tokens_with_offsets(text)


def test_candidates_from_content_tokens_equal_those_from_every_token() -> None:
    """`candidates` counts only the tokens that can be candidates; on generated reports, with
    names masked, it ranks exactly what counting every token ranks."""
    compared = 0
    for i in range(0, GENERATED, 4):
        text = generate_text(0, i)
        if not text:
            continue
        tokens, starts = kw.content_tokens(text)
        assert (tokens, starts) == _long_tokens_with_offsets(text)
        names = [tokens[k] for k in range(0, len(tokens), 37)]  # some words masked wherever they occur
        masked = kw.masked_spans(text, names)
        assert kw.candidates(text, names) == kw.candidates_from_tokens(kw.segment(text), masked)
        compared += 1
    assert compared >= GENERATED // 5


def test_kept_blocks_follow_the_dictionary() -> None:
    """Blocks' terms are kept between reports; a word added to the dictionary afterwards cuts
    the same block anew (the kept terms were cut without it)."""
    word = "璩琊玕瑮"  # in no report, dictionary or other test
    text = f"本次会议{word}顺利召开。本次会议{word}顺利召开"
    before = kw.candidates(text)
    assert kw.candidates(text) == before == kw.candidates_from_tokens(kw.segment(text))  # the second from kept blocks
    assert word not in {k.term for k in before}
    kw.load_user_dictionary([f"{word} 100000 n"])
    after = kw.candidates(text)
    assert after == kw.candidates_from_tokens(kw.segment(text))
    assert [(k.term, k.count) for k in after if k.term == word] == [(word, 2)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("人民代表大会营商环境乡村振兴高质量发展第十四届記者，。 \n\r+-#&._%0129AbZ𠀀"),
               max_size=120),
       st.lists(st.tuples(st.integers(-2, 125), st.integers(0, 12)), max_size=6),
       st.integers(1, 8))
@example(text="会议要求推进乡村振兴和乡村振兴。", spans=[(6, 1), (7, 1)], limit=8)  # two spans, one token
def test_candidates_from_kept_blocks_equal_those_from_every_token(text: str, spans: list[tuple[int, int]],
                                                                  limit: int) -> None:
    """Counting each block's kept terms and taking back the masked ones ranks what counting
    every token of the segmentation does: spans across blocks, between them, empty, overlapping
    each other, outside the text."""
    masked = sorted((a, a + n) for a, n in spans)
    assert kw.candidates_masked(text, masked, limit) == kw.candidates_from_tokens(kw.segment(text), masked, limit)
