"""Keywords and segmentation with jieba and the political-terms user dictionary."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import keywords as kw
from transforms.document import Document
from transforms.facts import Keyword, ReportFacts

DICT_LINES = kw.USER_DICT.read_text(encoding="utf-8").splitlines()
kw.load_user_dictionary(DICT_LINES)

REPORT = (
    "报告指出，今年要坚持稳中求进工作总基调，深化供给侧结构性改革，持续优化营商环境，全面推进乡村振兴，"
    "推动高质量发展。大会还审查了国民经济和社会发展计划执行情况与计划草案的报告。"
    "报告提出，要持续优化营商环境，扎实推进乡村振兴，加快建设现代化产业体系，推动高质量发展取得新成效。"
)


def test_dictionary_file_format() -> None:
    terms = [line.split() for line in DICT_LINES if line.strip()]
    assert len(terms) >= 300
    for parts in terms:
        assert len(parts) == 3 and parts[1].isdigit() and re.fullmatch(r"[a-z]+", parts[2])
    words = [p[0] for p in terms]
    assert len(words) == len(set(words))
    for must in ("人民代表大会", "常务委员会", "政府工作报告", "执行主席", "主席团", "乡村振兴", "高质量发展",
                 "供给侧结构性改革", "营商环境"):
        assert must in words


def test_user_dictionary_keeps_terms_whole() -> None:
    tokens = kw.segment(REPORT)
    for term in ("供给侧结构性改革", "营商环境", "乡村振兴", "高质量发展"):
        assert term in tokens
    assert "政府工作报告" in kw.segment("县长代表县人民政府向大会作政府工作报告")


def test_load_is_idempotent() -> None:
    before = kw.loaded_terms()
    kw.load_user_dictionary(DICT_LINES)
    kw.load_user_dictionary(["", "# comment", "营商环境 1000 nz"])
    assert kw.loaded_terms() == before
    kw.load_user_dictionary(["新词测试项 5 n"])
    assert "新词测试项" in kw.loaded_terms()
    assert "新词测试项" in kw.segment("这是新词测试项的句子")


def test_keywords_are_topical_and_clean() -> None:
    got = kw.keywords(REPORT, top_k=8)
    assert all(isinstance(k, Keyword) for k in got)
    terms = [k.term for k in got]
    assert "营商环境" in terms and "乡村振兴" in terms and "高质量发展" in terms
    weights = [k.weight for k in got]
    assert weights == sorted(weights, reverse=True)
    for term in terms:
        assert len(term) > 1 and term not in kw.STOPWORDS and not re.fullmatch(r"[\d.%]+", term)


def test_keywords_drop_numbers_and_stopwords() -> None:
    got = [k.term for k in kw.keywords("2024年的的的 12345 了了 和 报告 会议 一二三 3.5% 营商环境", top_k=20)]
    assert got == ["营商环境"]
    assert kw.keywords("") == []


def test_tokens_can_be_reused() -> None:
    tokens = kw.segment(REPORT)
    assert kw.keywords_from_tokens(tokens, top_k=5) == kw.keywords(REPORT, top_k=5)


def test_extract_interface() -> None:
    out = kw.extract(Document.from_text(REPORT), ReportFacts())
    assert set(out) == {"keywords"} and out["keywords"]
    assert kw.extract(Document.from_text("  "), ReportFacts()) == {"keywords": []}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("人民代表大会营商环境乡村振兴的了是2024年，。、 \n\tAbc“”()（）")), max_size=80))
def test_segmentation_is_lossless(text: str) -> None:
    tokens = kw.segment(text)
    assert "".join(tokens) == text
    assert all(tokens)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_segmentation_is_lossless_any_text(text: str) -> None:
    assert "".join(kw.segment(text)) == text
