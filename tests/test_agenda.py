"""Agenda items, key tasks and report structure: composed sentences in phrasings that are not
in the dev corpus, composed whole reports (tests/cases/agenda/), the corpus gold, and
property tests over randomly assembled reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import agenda
from transforms.decode import decode
from transforms.document import Document
from transforms.facts import CANONICAL_AGENDA, Fact, ReportFacts
from transforms.text import TextView

GOV, PLAN, BUDGET, PLAN5, NPCSC, COURT, PROC, CPPCCSC = CANONICAL_AGENDA[:8]
PROPOSAL_WORK, PROPOSAL_REVIEW, PRESIDIUM, CREDENTIALS, FINAL, AUDIT, ADJUST = CANONICAL_AGENDA[8:]


def run(text: str, body: str | None = None) -> dict:
    doc = Document.from_text(text)
    so_far = ReportFacts(body=Fact(body, 0, 0, "") if body else None)
    out = agenda.extract(TextView.of(doc), so_far)
    for name in ("agenda_items", "report_parts", "achievements", "key_task_items", "slogans"):
        for fact in out[name] or []:
            assert doc.text[fact.start:fact.end] == fact.snippet
    if out["key_tasks"] is not None:
        assert doc.text[out["key_tasks"].start:out["key_tasks"].end] == out["key_tasks"].snippet
    return out


def items(text: str, body: str | None = None) -> list[str]:
    return [f.value for f in run(text, body)["agenda_items"] or []]


# --------------------------------------------------------------------------- agenda families

AGENDA_CASES = [
    # review verbs, other title wordings
    ("人大", "会议审议通过了关于2024年全县国民经济和社会发展计划的决议。", [PLAN]),
    ("人大", "大会书面审议了市人民政府关于2023年全市和市级预算执行情况及2024年全市和市级预算草案的报告。", [BUDGET]),
    ("人大", "会议听取了市中级人民法院院长张三所作的市中级人民法院工作报告。", [COURT]),
    ("人大", "代表们听取和审议市人民检察院工作报告。", [PROC]),
    ("人大", "会议还听取了政协某某市委员会常务委员会工作报告。", [CPPCCSC]),
    ("人大", "大会审查了国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要(草案)。", [PLAN5]),
    ("人大常委会", "会议审查批准了2023年市级决算。", [FINAL]),
    ("人大常委会", "会议审查批准了2024年市级预算调整方案。", [ADJUST]),
    ("人大常委会", "县审计局局长作了审计工作报告。", [AUDIT]),
    ("人大", "会议表决通过了关于批准2023年县级财政决算的决议。", [FINAL]),
    ("政协", "李四作关于提案工作情况的报告。", [PROPOSAL_WORK]),
    ("政协", "会议听取了大会提案审查委员会关于提案审查情况的报告。", [PROPOSAL_REVIEW]),
    ("人大", "镇人大主席团主席王五作主席团工作报告。", [PRESIDIUM]),
    ("人大", "预备会议听取了代表资格审查委员会关于补选代表的代表资格的审查报告。", [CREDENTIALS]),
    # resolutions
    ("人大", "会议审议通过了关于县人民政府工作报告的决议。", [GOV]),
    ("人大", "会议以举手表决方式通过了关于县人大常委会工作报告的决议和关于县人民法院工作报告的决议。", [NPCSC, COURT]),
    # deliveries
    ("人大", "市长赵六代表市人民政府，向大会报告政府工作。", [GOV]),
    ("人大", "县长孙七做政府工作报告。", [GOV]),
    ("人大", "区长代表区人民政府向大会作工作报告。", [GOV]),
    ("人大", "县长代表县政府作了题为《奋力谱写新篇章》的政府工作报告。", [GOV]),
    ("政协", "主席代表政协某县第十届委员会常务委员会向大会报告工作。", [CPPCCSC]),
    ("人大", "会议听取了县人大常委会主任所作的常委会工作报告。", [NPCSC]),
    ("政协", "市政协主席作常委会工作报告。", [CPPCCSC]),
    # traditional script, full-width punctuation
    ("人大", "大會聽取和審議了政府工作報告，審查了計劃報告和預算報告。", [GOV, PLAN, BUDGET]),
    # elided and joined lists
    ("人大", "大会审议并批准了市人民政府工作报告、计划报告和预算报告。", [GOV, PLAN, BUDGET]),
    ("人大", "会议审议了市人大常委会、市中级人民法院和市人民检察院的工作报告。", [NPCSC, COURT, PROC]),
    ("人大常委会", "会议听取了省级决算和审计工作报告。", [FINAL, AUDIT]),
    # not the meeting's agenda
    ("人大", "会议期间，代表们将听取和审议政府工作报告。", []),
    ("人大", "大会议程：听取和审议政府工作报告；审查计划报告。", []),
    ("人大", "大会议程共有七项：听取和审议政府工作报告；审查和批准预算报告。", []),
    ("政协", "委员们列席了市人大会议，听取了政府工作报告。", []),
    ("人大", "报告指出，过去一年政府工作报告确定的目标任务全面完成。", []),
    ("人大", "会议听取了关于全市优化营商环境工作情况的报告。", []),
    ("人大", "会议审议了《某某市养老服务条例(草案)》。", []),
    ("人大", "常委们听取了市政府有关方面关于河道治理情况的通报。", []),
]


@pytest.mark.parametrize(("body", "text", "expected"), AGENDA_CASES)
def test_agenda_families(body: str, text: str, expected: list[str]) -> None:
    assert items(text, body) == expected


def test_order_is_first_mention_and_deduplicated() -> None:
    text = ("县长作政府工作报告。大会还审查了县财政预算执行情况与预算草案的报告，"
            "审查了国民经济和社会发展计划执行情况与计划草案的报告。会议表决通过了关于政府工作报告的决议。")
    assert items(text, "人大") == [GOV, BUDGET, PLAN]


def test_standing_committee_report_follows_the_body() -> None:
    text = "会议听取和审议了常务委员会工作报告。"
    assert items(text, "人大") == [NPCSC]
    assert items(text, "政协") == [CPPCCSC]
    # without a known body the document's own words decide
    assert items("政协某县委员会会议开幕。" + text) == [CPPCCSC]


def test_none_when_nothing_heard() -> None:
    assert run("会议选举产生了新一届领导班子。")["agenda_items"] is None


def test_agenda_span_holds_the_title() -> None:
    text = "大会还审查了区人民政府关于2023年财政预算执行情况与2024年财政预算(草案)的报告。"
    (fact,) = run(text, "人大")["agenda_items"]
    assert "预算" in fact.snippet and fact.snippet.endswith("报告")


def test_line_wrapped_title_in_a_pdf() -> None:
    text = ("会议审查了某市2021年国民经济和社会发展计划执行情况与2022年计划草案的\n"
            "报告，审查了某市2021年财政预算执行情况与2022年财政预算草案的报告。")
    doc = Document.from_text(text, format="pdf")
    got = [f.value for f in agenda.extract(TextView.of(doc), ReportFacts())["agenda_items"]]
    assert got == [PLAN, BUDGET]


# --------------------------------------------------------------------------- key tasks

KEY_TASK_CASES = [
    ("报告提出，2024年要着力做好十个方面工作：一是甲，二是乙，三是丙，四是丁，五是戊，六是己，七是庚，八是辛，九是壬，十是癸。", 10),
    ("报告提出，今年重点抓好以下几项工作：(一)坚持稳中求进，推动经济发展。(二)坚持改革开放，增强发展活力。(三)坚持民生为本，增进人民福祉。", 3),
    ("下一步，要重点做好五个方面的工作：第一，稳增长；第二，调结构；第三，促改革；第四，惠民生；第五，防风险。", 5),
    ("报告强调，2025年将扎实推进六项重点任务：一是扩大内需；二是产业升级；三是科技创新；四是乡村振兴；五是生态保护；六是民生保障。", 6),
    ("县长说，今年的主要任务是：一是抓项目，二是抓招商，三是抓民生。", 3),
    ("今年要抓好四个方面工作：\n一是发展产业。\n二是改善环境。\n三是推进项目。\n四是保障民生。\n报告还提出，一是要加强作风建设。", 4),
    ("报告提出，2024年重点抓好八方面工作：一是甲。二是乙。三是丙。四是丁。五是戊。六是己。七是庚。八是辛。", 8),
    ("报告提出了今年七项重点工作。", 7),
    ("报告从七个方面部署了2024年重点工作。", 7),
    ("报告明确了2024年九大重点任务。", 9),
    ("今年要推进两个方面工作：一是甲；二是乙。", 2),
    ("明年重点做好以下工作：1.稳增长，新增就业2.8万人；2.调结构；3.促改革。", 3),
    # distractors: review lists, report structure, livelihood projects, no enumeration cue
    ("报告从转型发展等方面分析了存在的问题，提出了六个方面的问题和不足。", None),
    ("报告从六个方面回顾了过去一年的工作：一是甲；二是乙；三是丙；四是丁；五是戊；六是己。", None),
    ("报告共分三个部分：一、工作回顾；二、工作安排；三、自身建设。", None),
    ("报告共分两部分：一是2007年工作回顾，二是2008年工作安排。", None),
    ("今年将办好十件民生实事：一是甲，二是乙。", None),
    ("报告指出，要深入学习贯彻党的二十大精神，统筹发展和安全。", None),
    ("报告从五个方面总结了取得的成绩：一是甲；二是乙；三是丙；四是丁；五是戊。", None),
]


@pytest.mark.parametrize(("text", "expected"), KEY_TASK_CASES)
def test_key_task_families(text: str, expected: int | None) -> None:
    fact = run(text)["key_tasks"]
    assert (fact.value if fact else None) == expected


def test_review_list_then_key_tasks() -> None:
    text = ("报告从五个方面回顾了过去一年的工作：一是经济运行稳中向好；二是产业持续升温；三是城乡面貌改善；"
            "四是改革不断深化；五是民生保障有力。\n\n报告提出，今年重点抓好六个方面工作：一是做强文旅品牌，推动提质增效；"
            "二是壮大特色农业；三是抓好项目建设；四是推进城市更新；五是加强生态保护；六是办好民生实事，提升获得感。")
    out = run(text)
    assert out["key_tasks"].value == 6
    assert [f.value.heading for f in out["key_task_items"]][:2] == ["做强文旅品牌", "壮大特色农业"]
    assert [f.value.ordinal for f in out["key_task_items"]] == [1, 2, 3, 4, 5, 6]
    assert len(out["achievements"]) == 5
    assert out["achievements"][-1].value == "民生保障有力"  # does not run into the next paragraph


def test_key_tasks_snippet_holds_the_count() -> None:
    fact = run("报告提出，今年着力抓好四个方面工作：一是甲，二是乙，三是丙，四是丁。")["key_tasks"]
    assert "四个方面" in fact.snippet and "四是" in fact.snippet


# --------------------------------------------------------------------------- structure, slogans


def test_report_parts_with_and_without_markers() -> None:
    out = run("报告共分为三个部分：一、过去五年工作回顾；二、今后五年的目标；三、2013年重点工作。")
    assert [f.value for f in out["report_parts"]] == ["过去五年工作回顾", "今后五年的目标", "2013年重点工作"]
    out = run("报告分为四个部分：过去五年工作回顾；今后五年的总体思路；2017年工作安排；加强政府自身建设。")
    assert len(out["report_parts"]) == 4


def test_slogans() -> None:
    text = ("会场悬挂的“突出党建引领，建设一区两城”的巨幅标语催人奋进。报告重申了“突出党建引领，建设一区两城”目标。"
            "本次会议的主题是“凝心聚力谋发展”。")
    assert [f.value for f in run(text)["slogans"]] == ["突出党建引领,建设一区两城", "凝心聚力谋发展"]


# --------------------------------------------------------------------------- composed reports


CASES = Path(__file__).resolve().parent / "cases" / "agenda"


@pytest.mark.parametrize("path", sorted(CASES.glob("*.txt")), ids=lambda p: p.stem)
def test_composed_reports(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    doc = decode(path.read_bytes(), path.name)
    out = agenda.extract(TextView.of(doc), ReportFacts())
    assert [f.value for f in out["agenda_items"] or []] == expected["agenda_items"]
    assert (out["key_tasks"].value if out["key_tasks"] else None) == expected["key_tasks"]
    if "key_task_headings" in expected:
        assert [f.value.heading for f in out["key_task_items"]] == expected["key_task_headings"]
    if "report_parts" in expected:
        assert [f.value for f in out["report_parts"]] == expected["report_parts"]
    if "achievements" in expected:
        assert len(out["achievements"]) == expected["achievements"]
    if "slogans" in expected:
        assert [f.value for f in out["slogans"]] == expected["slogans"]


def test_corpus_gold(corpus_dir: Path) -> None:
    misses = []
    for line in (corpus_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        if not gold.get("is_meeting_report"):
            continue
        path = corpus_dir / gold["file"]
        doc = decode(path.read_bytes(), path.name)
        so_far = ReportFacts(body=Fact(gold["body"], 0, 0, "") if gold.get("body") else None)
        out = agenda.extract(TextView.of(doc), so_far)
        got = [f.value for f in out["agenda_items"]] if out["agenda_items"] else None
        kt = out["key_tasks"].value if out["key_tasks"] else None
        if got != gold["agenda_items"] or kt != gold["key_tasks"]:
            misses.append((gold["file"], got, gold["agenda_items"], kt, gold["key_tasks"]))
    assert not misses


# --------------------------------------------------------------------------- properties

# (sentence, canonical names it adds) — assembled in random order into one report
POOL = [
    ("县长代表县人民政府向大会作政府工作报告。", [GOV]),
    ("大会还审查了县人民政府关于2023年国民经济和社会发展计划执行情况与2024年计划草案的报告。", [PLAN]),
    ("大会书面审查了县2023年财政预算执行情况和2024年财政预算草案的报告。", [BUDGET]),
    ("会议听取和审议了县人大常委会工作报告。", [NPCSC]),
    ("会议表决通过了关于县人民法院工作报告的决议和关于县人民检察院工作报告的决议。", [COURT, PROC]),
    ("会议审议了县人民政府关于2023年县级决算的报告。", [FINAL]),
    ("会议审议通过了关于2024年县级预算调整方案的报告。", [ADJUST]),
    ("县审计局局长作了关于2023年度县级预算执行和其他财政收支的审计工作报告。", [AUDIT]),
]
NOISE = [
    "全体起立，奏唱国歌。",
    "会议应到代表200名，实到180名，符合法定人数。",
    "大会议程：听取和审议政府工作报告；审查和批准计划报告。",
    "报告指出，过去一年政府工作报告确定的目标任务全面完成。",
    "会议强调，要认真贯彻落实大会各项决议。",
    "报告从五个方面回顾了过去一年的工作：一是甲；二是乙；三是丙；四是丁；五是戊。",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(POOL), min_size=0, max_size=6),
    st.lists(st.sampled_from(NOISE), max_size=4),
    st.randoms(use_true_random=False),
    st.sampled_from(["\n", "", "\n\n"]),
)
def test_random_reports(picked, noise, rnd, sep) -> None:
    sentences = [s for s, _ in picked] + list(noise)
    rnd.shuffle(sentences)
    text = sep.join(sentences)
    expected: list[str] = []
    for sentence in sentences:
        for s, names in POOL:
            if s == sentence:
                expected += [n for n in names if n not in expected]
    out = run(text, "人大")
    got = [f.value for f in out["agenda_items"] or []]
    assert got == expected
    assert out["key_tasks"] is None
    for fact in out["agenda_items"] or []:
        assert any(k in fact.snippet for k in ("报告", "决议", "决算", "调整方案"))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=15), st.sampled_from(["{}是", "({})", "第{}，", "{}、"]),
       st.sampled_from(["今年", "2025年", "下一步", "新的一年"]), st.sampled_from(["；", "。", "，", "\n"]))
def test_enumerated_key_tasks(n, marker, when, sep) -> None:
    from transforms.agenda import _cn

    if marker == "{}、" and sep == "，":
        sep = "；"
    body = sep.join(f"{marker.format(_cn(k))}推进第{k}项事业" for k in range(1, n + 1))
    text = f"报告提出，{when}要重点抓好{_cn(n)}个方面工作：{body}。"
    out = run(text)
    assert out["key_tasks"].value == n
    assert [f.value.ordinal for f in out["key_task_items"]] == list(range(1, n + 1))
    assert out["key_task_items"][-1].value.heading == f"推进第{n}项事业"

