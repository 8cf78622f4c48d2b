"""Keywords: segmentation with the political-terms user dictionary, a report's candidate terms
(stop list, ordinals, regions, people and credits left out) and their weighing by the IDF of the
warehouse's own reports."""

from __future__ import annotations

import math
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import keywords as kw
from transforms.document import Document
from transforms.extract import extract
from transforms.facts import Fact, Keyword, Person, ReportFacts
from transforms.text import TextView

DICT_LINES = kw.USER_DICT.read_text(encoding="utf-8").splitlines()
kw.load_user_dictionary(DICT_LINES)

REPORT = (
    "报告指出，今年要坚持稳中求进工作总基调，深化供给侧结构性改革，持续优化营商环境，全面推进乡村振兴，"
    "推动高质量发展。大会还审查了国民经济和社会发展计划执行情况与计划草案的报告。"
    "报告提出，要持续优化营商环境，扎实推进乡村振兴，加快建设现代化产业体系，推动高质量发展取得新成效。"
)
# Procedure, bodies, places, people and credits around a report's subject (湘江 流域 生态保护).
SESSION = (
    "政协湖南省第十二届委员会常务委员会第八次会议在长沙开幕\n"
    "本报讯（记者 欧阳明 通讯员 龙小云）3月5日上午，政协湖南省第十二届委员会常务委员会第八次会议在长沙开幕。"
    "省政协主席李微微主持会议。会议应到委员120名，实到112名，符合法定人数。"
    "会议围绕湘江流域生态保护开展专题协商，委员们建议加强湘江流域生态保护，推进流域综合治理，"
    "完善湘江流域生态补偿机制。李微微指出，要把湘江流域生态保护作为重点。\n"
    "胡宏图 摄\n责任编辑：谭晓燕"
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
    assert "新词测试项" in kw.reference_segment("这是新词测试项的句子")


def test_stoplist_is_data_with_sections() -> None:
    text = kw.STOPLIST_PATH.read_text(encoding="utf-8")
    sections = re.findall(r"^\[(.+)\]$", text, flags=re.M)
    assert {"procedure", "bodies", "places and times", "credits and sources", "credit cues"} <= set(sections)
    # Every section says why it is there (a comment right under its header).
    for name in sections:
        assert re.search(rf"^\[{re.escape(name)}\]\n#", text, flags=re.M), name
    assert {"开幕", "法定人数", "全国人大", "人民代表大会", "本网"} <= kw.STOPWORDS
    assert {"记者", "摄", "责任编辑"} <= kw.CREDIT_CUES


def test_candidates_count_content_terms_only() -> None:
    got = kw.candidates(REPORT)
    assert all(isinstance(k, Keyword) for k in got)
    counts = {k.term: k.count for k in got}
    assert counts["营商环境"] == 2 and counts["乡村振兴"] == 2 and counts["高质量发展"] == 2
    assert len({k.tokens for k in got}) == 1 and got[0].tokens == sum(counts.values())
    assert all(k.weight == round(k.count / k.tokens, 6) for k in got)
    assert [k.count for k in got] == sorted((k.count for k in got), reverse=True)
    for term in counts:
        assert len(term) > 1 and term not in kw.STOPWORDS and not term.endswith("报告")


def test_procedure_numbers_ordinals_regions_and_credits_are_dropped() -> None:
    terms = {k.term for k in kw.candidates(SESSION)}
    assert {"湘江", "流域", "生态保护"} <= terms
    for gone in ("开幕", "会议", "政协", "常务委员会", "第十二届", "第八次", "法定人数", "应到", "实到", "湖南省",
                 "湖南", "长沙", "记者", "通讯员", "摄", "责任编辑", "本报讯", "委员", "上午"):
        assert gone not in terms, gone
    # Names in the byline and the photo and editor credits are masked, whatever jieba makes of them.
    spans = kw.masked_spans(SESSION)
    for name in ("欧阳明", "龙小云", "胡宏图", "谭晓燕"):
        at = SESSION.index(name)
        assert any(a <= at and at + len(name) <= b for a, b in spans), name
    assert not any("湘江" in SESSION[a:b] for a, b in spans)


def test_people_the_extractors_found_are_dropped() -> None:
    doc = Document.from_text(SESSION)
    facts = ReportFacts(presider=Fact("李微微", 0, 0, ""),
                        leaders=[Fact(Person("李微微", "主席"), 0, 0, "")])
    assert kw.names_in(facts) == ["李微微", "李微微"]
    with_names = {k.term for k in kw.extract(TextView.of(doc), facts)["keywords"]}
    without = {k.term for k in kw.candidates(doc.clean)}
    assert not any("微微" in t for t in with_names)
    assert any("微微" in t for t in without)  # jieba keeps part of the name as a word


def test_masking_by_span_not_by_word() -> None:
    text = "王冬梅代表发言，谈到冬梅花开。"
    spans = kw.masked_spans(text, ["王冬梅"])
    assert spans == [(0, 3)]
    tokens = kw.segment(text)
    got = {k.term for k in kw.candidates_from_tokens(tokens, spans)}
    assert all(not text.startswith(t) for t in got)  # nothing from the masked name


def test_weigh_is_tf_times_smoothed_idf() -> None:
    found = kw.candidates(SESSION)
    df = Counter({k.term: 3 for k in found})
    df["湘江"] = 1  # only this report
    ranked = kw.weigh(found, df, n=10)
    by_term = {k.term: k for k in ranked}
    x = by_term["湘江"]
    assert math.isclose(x.weight, round(x.count / x.tokens * (1 + math.log(11 / 2)), 6))
    assert ranked[0].term == "湘江"
    assert [k.weight for k in ranked] == sorted((k.weight for k in ranked), reverse=True)
    assert kw.idf(0, 0) == 1.0 and kw.idf(5, 5) == 1.0  # a term in every report still counts once


def test_extract_interface() -> None:
    out = kw.extract(TextView.of(Document.from_text(REPORT)), ReportFacts())
    assert set(out) == {"keywords"} and out["keywords"]
    assert kw.extract(TextView.of(Document.from_text("  ")), ReportFacts()) == {"keywords": []}
    # Traditional script gives the simplified terms (the view's text), so they count with the others.
    trad = kw.extract(TextView.of(Document.from_text("持續優化營商環境，全面推進鄉村振興。")), ReportFacts())
    assert {"营商环境", "乡村振兴"} <= {k.term for k in trad["keywords"]}


def test_candidates_are_bounded() -> None:
    text = "，".join(f"词{i:03d}号" for i in range(300)) + "。"
    assert len(kw.candidates(text)) <= kw.MAX_CANDIDATES


def test_extract_leaves_out_the_reports_own_people(cases_dir) -> None:
    path = cases_dir / "generalisation" / "01_national_npc_opening.txt"
    from transforms.decode import decode

    doc = decode(path.read_bytes(), path.name)
    facts = extract(doc)
    terms = {k.term for k in facts.keywords}
    names = kw.names_in(facts)
    assert names
    for name in names:
        assert not any(part in terms for part in (name, name[1:], name[:2]) if len(part) > 1), name


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("人民代表大会营商环境乡村振兴的了是2024年，。、 \n\tAbc“”()（）记者摄")),
               max_size=80))
def test_segmentation_is_lossless(text: str) -> None:
    tokens = kw.segment(text)
    assert "".join(tokens) == text
    assert all(tokens)
    assert all(k.count >= 1 and k.tokens >= k.count for k in kw.candidates(text))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_segmentation_is_lossless_any_text(text: str) -> None:
    assert "".join(kw.segment(text)) == text


def test_names_after_an_office_are_masked() -> None:
    cases = {
        "全国政协主席贺明远代表政协第十四届全国委员会常务委员会作报告": ["贺明远"],
        "出席会议的有副主任葛文华、鲁秀英、祁志远及委员共19人": ["葛文华", "鲁秀英", "祁志远"],
        "会议听取和审议了镇长车立新所作的政府工作报告": ["车立新"],
        "县委书记凌志国，县委副书记王强出席": ["凌志国", "王强"],
    }
    for text, names in cases.items():
        spans = kw.masked_spans(text)
        for name in names:
            at = text.index(name)
            assert any(a <= at and at + len(name) <= b for a, b in spans), (text, name)
        terms = {k.term for k in kw.candidates(text)}
        assert not any(part in terms for name in names for part in (name[1:], name[:2], name)), (text, terms)
    # Not names: the presidium, the rostrum, a council of directors.
    for text in ("主席团常务主席会议", "在主席台就座", "主任会议审议了"):
        assert kw.masked_spans(text) == []
