"""People extractor: executive chairs, presider, government work report, leaders.

Sentences are composed for these tests, mostly in wordings the dev corpus does not use.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import people
from transforms.document import Document
from transforms.facts import Fact, Person, ReportFacts
from transforms.normalize import normalize
from transforms.text import TextView

CASES = Path(__file__).resolve().parent / "cases" / "people"


def run(text: str, **meta) -> dict:
    doc = Document.from_text(text, **meta)
    out = people.extract(TextView.of(doc), ReportFacts())
    for value in out.values():
        for fact in value if isinstance(value, list) else [value]:
            assert isinstance(fact, Fact)
            assert doc.text[fact.start:fact.end] == fact.snippet
            name = fact.value.name if isinstance(fact.value, Person) else fact.value
            assert name in normalize(fact.snippet)[0]
    return out


def chairs(text: str, **meta) -> list[str] | None:
    got = run(text, **meta).get("executive_chairs")
    return None if got is None else [f.value for f in got]


def presider(text: str) -> str | None:
    got = run(text).get("presider")
    return got.value if got else None


def reporter(text: str) -> str | None:
    got = run(text).get("work_report_by")
    return got.value if got else None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("大会执行主席张三、李四和王五在主席台就座。", ["张三", "李四", "王五"]),
        ("担任今天会议执行主席的是：欧阳明华、司马光、李小龙（回族）、王芳（女）等。",
         ["欧阳明华", "司马光", "李小龙", "王芳"]),
        ("本次全体会议的执行主席为（以姓氏笔画为序）：丁一、马二，王三及刘四。", ["丁一", "马二", "王三", "刘四"]),
        ("大会主席团常务主席、执行主席赵钱孙主持会议。", ["赵钱孙"]),
        ("闭幕大会由执行主席、主席团常务主席吴刚主持。", ["吴刚"]),
        ("执行主席：县委书记张明、县长李华、县人大常委会主任王强\n会议开始。", ["张明", "李华", "王强"]),
        ("执行主席唐永和、巴图孟和、乌云其其格在主席台前排就坐", ["唐永和", "巴图孟和", "乌云其其格"]),
        ("大会执行主席吴䶮、𠮷田进、王东在主席台前排就座。", ["吴䶮", "𠮷田进", "王东"]),
        ("大會執行主席黃志明、鄭國強在主席臺前排就座。", ["黄志明", "郑国强"]),
        ("大会执行主席 张三 李四 王五 在主席台就座", ["张三", "李四", "王五"]),
        # repeated mentions give each person once
        ("大会执行主席甲乙丙、丁戊在主席台就座。会议由执行主席甲乙丙主持。", ["甲乙丙", "丁戊"]),
    ],
)
def test_chair_lists(text: str, expected: list[str]) -> None:
    assert chairs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "大会主席团常务主席周明主持会议。主席团成员在主席台就座。",
        "在主席台就座的有大会主席团成员王一、李二、赵三。",
        "大会执行主席在主席台执行主席席就座。",
        "会议决定了各次全体会议的执行主席人选。",
        "县政协主席马永福，副主席虎玉兰、杨志军在主席台前排就座。",
    ],
)
def test_not_chairs(text: str) -> None:
    assert chairs(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("会议由县人大常委会副主任王小明主持。", "王小明"),
        ("县政协主席李华主持开幕会。", "李华"),
        ("在县人大常委会主任张明的主持下，会议选举产生了大会主席团。", "张明"),
        ("上午9时，大会主持人刘洋宣布大会开幕。", "刘洋"),
        ("上午9时，王强宣布：某县第五届人民代表大会第二次会议开幕。", "王强"),
        ("闭幕大会由执行主席、主席团常务主席吴刚主持。", "吴刚"),
        ("省人大常委会主任邹明出席会议。省人大常委会副主任熊卫平主持会议。", "熊卫平"),
        ("大会主席团常务主席、执行主席周振邦主持大会。", "周振邦"),
        ("本次大会主持人为欧阳春。", "欧阳春"),
        # a presidium meeting held before the session is not the session's sitting
        ("会前，李明主持召开大会主席团第一次会议。开幕会由县政协副主席杨志军主持。", "杨志军"),
    ],
)
def test_presider(text: str, expected: str) -> None:
    assert presider(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("代县长李明代表县人民政府作政府工作报告。", "李明"),
        ("受市人民政府委托，副市长孙立向大会作工作报告。", "孙立"),
        ("大会听取了市长周国平所作的政府工作报告。", "周国平"),
        ("(图)国务院总理龚启明在大会上作政府工作报告。", "龚启明"),
        ("区长苑冬梅代表区人民政府向大会作工作报告。", "苑冬梅"),
        ("旗长张海明代表旗人民政府，向大会作了政府工作报告。", "张海明"),
    ],
)
def test_work_report(text: str, expected: str) -> None:
    assert reporter(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "市政协主席赵明代表政协第十届委员会常务委员会向大会作工作报告。",
        "省高级人民法院院长钱伟作省高级人民法院工作报告。",
        "县人大常委会主任刘强向大会作县人大常委会工作报告。",
        "会议表决通过了关于政府工作报告的决议。",
        "委员们将列席县人大会议，听取并讨论政府工作报告。",
    ],
)
def test_not_government_work_report(text: str) -> None:
    assert reporter(text) is None


def test_leaders_have_roles() -> None:
    out = run("大会执行主席张三、李四在主席台前排就座。张三主持会议。县长李四代表县人民政府作政府工作报告。"
              "县领导王五、赵六出席大会并在主席台就座。")
    roles = {(f.value.name, f.value.role) for f in out["leaders"]}
    assert {("张三", "执行主席"), ("李四", "执行主席"), ("张三", "主持人"), ("李四", "政府工作报告人"),
            ("王五", "主席台就座"), ("赵六", "主席台就座")} <= roles


def test_case_files() -> None:
    for path in sorted(CASES.glob("*.txt")):
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        out = run(path.read_text(encoding="utf-8"))
        got = {k: ([f.value for f in v] if isinstance(v, list) else v.value) for k, v in out.items() if k != "leaders"}
        assert got == expected, path.name


# --- property test: split_names gives generated names back ----------------------------

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武洪") + ["欧阳", "司马", "上官", "诸葛"]
GIVEN = list("建国华明丽芳红军平志伟强文玉秀英海波涛东新春晓燕兰敏静云峰亮杰斌鹏辉刚勇桂凤林")
MARKERS = ["", "", "", "(女)", "（女）", "（回族）", "(蒙古族)"]


@st.composite
def name_lists(draw):
    names = []
    for _ in range(draw(st.integers(min_value=1, max_value=9))):
        name = draw(st.sampled_from(SURNAMES)) + "".join(draw(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2)))
        if name not in names:
            names.append(name)
    seps = draw(st.lists(st.sampled_from(["、", "，", ",", " ", "和", "及", "、 "]), min_size=len(names), max_size=len(names)))
    marks = draw(st.lists(st.sampled_from(MARKERS), min_size=len(names), max_size=len(names)))
    text = ""
    for i, name in enumerate(names):
        if i:
            text += seps[i]
        text += name + marks[i]
    if draw(st.booleans()):
        text += "等"
    return names, text


@settings(max_examples=150, deadline=None)
@given(name_lists())
def test_split_names_round_trip(case) -> None:
    names, text = case
    got = people.split_names(text)
    assert [n.name for n in got] == names
    for n in got:
        assert text[n.start:n.end] == n.name


@settings(max_examples=40, deadline=None)
@given(name_lists(), st.sampled_from(["大会执行主席{}在主席台前排就座。", "担任本次会议执行主席的有：{}。",
                                      "执行主席是（按姓名笔画排列）：{}\n"]))
def test_chair_sentences_round_trip(case, template) -> None:
    names, text = case
    assert chairs(template.format(text)) == names


@pytest.mark.parametrize(
    "text, expected",
    [
        ("主持会议的是县人大常委会主任刘明。", "刘明"),
        ("县人大常委会党组书记、主任何建国主持会议并讲话。", "何建国"),
        ("会议由王海同志主持。", "王海"),
        ("上午9时，大会主持人、副县长向光明宣布大会开幕。", "向光明"),
    ],
)
def test_presider_more(text: str, expected: str) -> None:
    assert presider(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("县长陈立新代表县人民政府向大会报告政府工作。", "陈立新"),
        ("政府工作报告由市长赵云作。", "赵云"),
        ("省长林海作了题为《奋力开创新局面》的政府工作报告。", "林海"),
    ],
)
def test_work_report_more(text: str, expected: str) -> None:
    assert reporter(text) == expected
