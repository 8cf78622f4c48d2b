"""normalize(text) → (clean, mapping): 1:1 substitutions and deletions only, offsets exact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.document import Document
from transforms.normalize import HAN, _norm_char, normalize, soft_wraps

import re

_IS_HAN = re.compile(f"[{HAN}]")


def clean(text: str) -> str:
    return normalize(text)[0]


# ------------------------------------------------------------------ substitutions


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("會議於臺灣舉行", "会议于台湾举行"),
        ("乾隆年間", "乾隆年间"),  # phrase context kept: 乾 is not turned into 干 here
        ("中國人民政治協商會議福建省第十一屆委員會", "中国人民政治协商会议福建省第十一届委员会"),
        ("ＡＢＣ１２３，（全角）", "ABC123,(全角)"),
        ("应到代表\u3000５２１\u3000人", "应到代表 521 人"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("人\u200b民\ufeff代\u200d表", "人民代表"),
        ("二百一十五名", "二百一十五名"),  # Chinese numerals are left to the extractors
    ],
)
def test_substitutions(raw: str, expected: str) -> None:
    assert clean(raw) == expected


# ------------------------------------------------------------------ inline junk


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("隰(xí)县第十七届人民代表大会", "隰县第十七届人民代表大会"),
        ("人民代表大會（huì）第四次会议", "人民代表大会第四次会议"),
        ("朔州（shuò zhōu）市", "朔州市"),
        ("会(hui4)议", "会议"),
        ("人民<span>代表</span>大会", "人民代表大会"),
        ('人民<a href="http://x.cn/tag/1">代表</a>大会', "人民代表大会"),
        ("第八届<!-- seo -->人民代表大会", "第八届人民代表大会"),
        ("人民[标签]代表大会", "人民代表大会"),
        ("人民【广告】代表大会", "人民代表大会"),
        ("第 八 届 人 民 代 表 大 会", "第八届人民代表大会"),
        ("第\t八届人民代表大会", "第八届人民代表大会"),
        ("朔州市平鲁区第八届人民代 表大会第五次会议", "朔州市平鲁区第八届人民代表大会第五次会议"),
        ("大会执行主席王　芳、李　强在主席台就座", "大会执行主席王芳、李强在主席台就座"),
    ],
)
def test_inline_junk_removed(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "GDP(国内生产总值)增长",  # a real parenthetical, not pinyin
        "增长了(GDP)",
        "会议(an)",  # toneless letters: not taken for a gloss
        "【纠错】 【责任编辑：刘思远】",  # bracketed labels not inside a word
        "冷振宇主持 吕子健作政府工作报告",  # two headline clauses stay apart
        "执行主席石海涛 冯立军 章玉珍",  # space-separated name list is not fused
        "风起扬帆正当时 凝心聚力开新篇",
        "a<b and c>d",
        "《政府工作报告》",
    ],
)
def test_legitimate_text_kept(raw: str) -> None:
    assert clean(raw) == raw.replace("：", ":")


def test_paragraph_breaks_kept() -> None:
    text = "大会隆重开幕\n\n3月19日上午，会议开幕。\n应到代表200人。"
    assert clean(text) == text.replace("，", ",")


# ------------------------------------------------------------------ soft wraps


def test_hard_wrapped_text_is_joined_but_paragraphs_stay() -> None:
    lines = [
        "晋城市第七届人民代表大会第三次会议开幕",
        "大会还审查了晋城市2021年国民经济和社会发展计划执行情况与2022年计划草案的",
        "报告，审查了晋城市2021年财政预算执行情况与2022年财政预算草案的报告，听取",
        "了市人民检察院工作报告和市中级人民法院工作报告以及其他各项报告的有关说明",
        "和解释。",
        "市委领导同志在主席台就座。",
    ]
    text = "\n".join(lines)
    out = clean(text)
    assert "计划草案的报告" in out and "听取了市人民" in out and "说明和解释。" in out
    assert out.startswith("晋城市第七届人民代表大会第三次会议开幕\n")  # short title line: a real break
    assert "解释。\n市委" in out  # sentence end: a real break


def test_ordinary_paragraph_text_not_unwrapped() -> None:
    text = "会议开幕\n\n会议应到代表200人，实到190人\n图为会场 记者 摄\n大会选举了主任"
    assert soft_wraps(text) == set()
    assert clean(text).count("\n") == text.count("\n")


# ------------------------------------------------------------------ mapping contract


def _check_mapping(text: str) -> None:
    out, mapping = normalize(text)
    assert len(mapping) == len(out) + 1
    assert mapping[-1] == len(text)
    assert all(a < b for a, b in zip(mapping, mapping[1:]))
    for i, ch in enumerate(out):
        orig = text[mapping[i]]
        if orig == "\r":
            assert ch == "\n"
        elif _IS_HAN.match(orig) and _IS_HAN.match(ch):
            # t2s uses phrase context (乾隆 keeps 乾, 乾燥 → 干燥): the character is either kept
            # or converted as it would be on its own, never something else
            assert ch in (orig, _norm_char(orig)) or _norm_char(ch) == ch != orig, (i, orig, ch)
        else:
            assert ch == _norm_char(orig), (i, orig, ch)


_ALPHABET = st.sampled_from(
    list("人民代表大会第八届次議會臺灣乾隆中國 　\t\n\r，。、：（）()[]【】<>/ab1２３ＡＢ")
    + ["\u200b", "\ufeff", "huì", "<span>", "</span>", "[标签]", "（huì）", "第 八 届", "\r\n"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_mapping_property_on_junk_heavy_text(text: str) -> None:
    _check_mapping(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_mapping_property_on_any_text(text: str) -> None:
    _check_mapping(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join), st.data())
def test_fact_span_maps_back_to_text(text: str, data) -> None:
    doc = Document.from_text(text)
    if not doc.clean:
        return
    a = data.draw(st.integers(0, len(doc.clean) - 1))
    b = data.draw(st.integers(a + 1, len(doc.clean)))
    fact = doc.fact(doc.clean[a:b], a, b)
    assert fact.snippet == text[fact.start : fact.end]
    # every clean character of the span comes from inside the snippet's text range
    assert all(fact.start <= doc.clean_to_text[i] < fact.end for i in range(a, b))


def test_idempotent_on_clean_text() -> None:
    text = "朔州市平鲁区第八届人民代表大会第五次会议\n应出席代表200人,出席190人。"
    assert clean(clean(text)) == clean(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("，。：；（）！？ＡＢｚ０９\u3000\u00a0\u2028人大代表ab ,.") | st.characters(), max_size=80))
def test_half_width_is_the_translation_table(text: str) -> None:
    """`_to_half_width` (one `str.replace` per distinct full-width character) is `_FULL_TO_HALF`."""
    from transforms.normalize import _FULL_TO_HALF, _to_half_width

    assert _to_half_width(text) == text.translate(_FULL_TO_HALF)
