"""Attendance extractor: roster/present/absent counts, quorum claim and scope.

Most sentences are composed for these tests in phrasings that the dev corpus does not use.
"""

from __future__ import annotations

import json
from pathlib import Path

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import attendance
from transforms.document import Document
from transforms.facts import Fact, ReportFacts
from transforms.text import TextView

CASES = Path(__file__).resolve().parent / "cases" / "attendance"


def run(text: str, so_far: ReportFacts | None = None, **meta) -> dict:
    doc = Document.from_text(text, **meta)
    out = attendance.extract(TextView.of(doc), so_far or ReportFacts())
    for fact in out.values():
        assert isinstance(fact, Fact)
        assert doc.text[fact.start:fact.end] == fact.snippet
    return out


def values(out: dict) -> dict:
    return {k: v.value for k, v in out.items()}


HEAD = "某县第九届人民代表大会第二次会议今天开幕。\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        # conjunction-free absent clause after present, 超过法定人数
        (HEAD + "会议应出席代表150人，实际出席142人，8人因事请假，出席人数超过法定人数。",
         dict(required=150, present=142, absent=8, quorum_claimed=True, attendance_scope="deputies")),
        # Chinese numerals, 缺席 last, 章程 claim without the 政协 prefix
        ("政协某市第五届委员会第一次会议开幕。本次会议应到会委员一百八十六人，实到一百七十一人，缺席十五人，符合章程规定。",
         dict(required=186, present=171, absent=15, quorum_claimed=True, attendance_scope="members")),
        # 位 as unit, noun only after the cue
        ("政协某县委员会第三次会议召开。应出席委员35位，实际出席33位，达到法定人数。",
         dict(required=35, present=33, quorum_claimed=True, attendance_scope="members")),
        # present figure in the next sentence, 已过半数, standing-committee scope from 组成人员
        ("某市第十六届人大常委会第九次会议召开。市人大常委会组成人员共38名。今天的会议，实到30名，请假8名，已过半数。",
         dict(required=38, present=30, absent=8, quorum_claimed=True, attendance_scope="standing_committee_members")),
        # absent in parentheses after present, full-width digits
        (HEAD + "大会应到代表２１０名，实到代表１９６名（另有１４名代表因病请假），符合法定人数。",
         dict(required=210, present=196, absent=14, quorum_claimed=True, attendance_scope="deputies")),
        # observers beside attendance are not absentees
        (HEAD + "应到代表120名，实到110名，列席人员45名，符合法定人数。",
         dict(required=120, present=110, quorum_claimed=True, attendance_scope="deputies")),
        # present before roster in the same sentence
        (HEAD + "出席会议的代表有180名，占应到代表200名的90%，符合法定人数。",
         dict(required=200, present=180, quorum_claimed=True, attendance_scope="deputies")),
        # no quorum claim: false, span on the counts
        (HEAD + "会议应到代表100人，实到90人。",
         dict(required=100, present=90, quorum_claimed=False, attendance_scope="deputies")),
        # explicit negative claim
        (HEAD + "会议应到代表100人，实到60人，未达到法定人数，会议延期。",
         dict(required=100, present=60, quorum_claimed=False, attendance_scope="deputies")),
        # no noun: scope from the body named in the text
        ("政协某县第八届委员会第二次会议闭幕。会议应到46人，实到44人，符合规定人数。",
         dict(required=46, present=44, quorum_claimed=True, attendance_scope="members")),
        # 委员 at a standing-committee meeting are standing-committee members
        ("某市第十七届人民代表大会常务委员会第三十一次会议召开。会议应到委员43人，实到38人，满足法定人数。",
         dict(required=43, present=38, quorum_claimed=True, attendance_scope="standing_committee_members")),
        # traditional script
        ("某縣第九屆人民代表大會第二次會議開幕。會議應到代表二百名，實到一百九十名，符合法定人數。",
         dict(required=200, present=190, quorum_claimed=True, attendance_scope="deputies")),
        # roster and attendance inside a declaration, 位 and 今天到会的
        (HEAD + "张三宣布：本届代表大会现有代表212位，今天到会的代表198位，符合法定人数，现在开会。",
         dict(required=212, present=198, quorum_claimed=True, attendance_scope="deputies")),
        # two-thirds claim after the counts
        ("政协某省第十二届委员会第一次会议举行全体会议。委员总数 712 人，今天实到委员 690 人，超过委员总数的三分之二。",
         dict(required=712, present=690, quorum_claimed=True, attendance_scope="members")),
    ],
)
def test_phrasings(text: str, expected: dict) -> None:
    assert values(run(text)) == expected


def test_distractors_are_never_counts() -> None:
    text = (HEAD + "来自全县各条战线的200多名人大代表出席大会，肩负着全县58万人民的重托。"
            "近3000名群众收看了直播，约150名代表提交了建议，会议共收到议案12件。")
    out = values(run(text))
    assert "required" not in out and "present" not in out and "absent" not in out
    assert out["quorum_claimed"] is False  # a meeting report without a claim


def test_presidium_counts_do_not_replace_the_session() -> None:
    text = (HEAD + "会前，大会主席团举行第一次会议，应到主席团成员29人，实到28人。"
            "大会应到代表210人，实到200人，缺席10人，符合法定人数。")
    out = values(run(text))
    assert (out["required"], out["present"], out["absent"]) == (210, 200, 10)
    assert out["attendance_scope"] == "deputies"


def test_presidium_meeting_report_has_presidium_scope() -> None:
    text = ("县十八届人大三次会议主席团举行第二次会议\n"
            "1月9日，县十八届人大三次会议主席团举行第二次会议。会议应到主席团成员25名，实到23名，符合法定人数。")
    out = values(run(text))
    assert (out["required"], out["present"], out["attendance_scope"]) == (25, 23, "presidium")


def test_meeting_without_counts_or_claim_is_false() -> None:
    out = run("某县第九届人民代表大会第二次会议在县会议中心开幕。县长作政府工作报告。")
    assert out["quorum_claimed"].value is False
    assert "会议" in out["quorum_claimed"].snippet


def test_not_a_meeting_gives_nothing() -> None:
    so_far = ReportFacts(is_meeting_report=Fact(False, 0, 1, "x"))
    assert run("油菜花文化旅游节开幕，县人大常委会副主任出席开幕式。", so_far) == {}


def test_body_from_meeting_extractor_is_used() -> None:
    so_far = ReportFacts(body=Fact("政协常委会", 0, 1, "x"))
    out = values(run("会议应到46人，实到44人，符合规定人数。", so_far))
    assert out["attendance_scope"] == "standing_committee_members"


def test_pdf_line_wraps_inside_numbers_are_joined() -> None:
    out = values(run(HEAD + "会议应出席代表39\n2人，出席361人，缺席31人，出席人数符合法定人数。", format="pdf"))
    assert (out["required"], out["present"], out["absent"]) == (392, 361, 31)


def test_case_files() -> None:
    for path in sorted(CASES.glob("*.txt")):
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert values(run(path.read_text(encoding="utf-8"))) == expected, path.name


# --- property test: generated attendance sentences give their numbers back -------------

ROSTER = ["应出席", "应到", "应到会", "现有", "实有", "共有"]
PRESENT = ["出席", "实到", "实际出席", "到会", "实际到会", "今天出席会议的"]
NOUNS = {"deputies": "代表", "members": "委员", "standing_committee_members": "常委会委员"}


def numeral(n: int, chinese: bool) -> str:
    return cn2an.an2cn(n) if chinese else str(n)


@settings(max_examples=60, deadline=None)
@given(
    required=st.integers(min_value=20, max_value=3000),
    share=st.floats(min_value=0.5, max_value=1.0),
    roster=st.sampled_from(ROSTER),
    present_cue=st.sampled_from(PRESENT),
    scope=st.sampled_from(sorted(NOUNS)),
    unit=st.sampled_from(["人", "名", "位"]),
    chinese=st.booleans(),
    absent_form=st.sampled_from(["none", "after", "before", "paren"]),
    space=st.sampled_from(["", " "]),
)
def test_generated_sentences(required, share, roster, present_cue, scope, unit, chinese, absent_form, space):
    present = max(1, int(required * share))
    absent = required - present
    noun = NOUNS[scope]
    num = lambda n: space + numeral(n, chinese) + space  # noqa: E731
    p_noun = noun if present_cue.endswith("的") else ""
    parts = [f"本次会议{roster}{noun}{num(required)}{unit}"]
    absent_clause = f"因事因病请假{num(absent)}{unit}" if absent else ""
    if absent_form == "before" and absent:
        parts.append(absent_clause)
    parts.append(f"{present_cue}{p_noun}{num(present)}{unit}")
    if absent_form == "after" and absent:
        parts.append(absent_clause)
    text = "，".join(parts)
    if absent_form == "paren" and absent:
        text += f"（另有{num(absent)}{unit}{noun}请假）"
    text += "，符合法定人数。"
    out = values(run("某县第九届人民代表大会第二次会议开幕。\n" + text))
    assert out["required"] == required
    assert out["present"] == present
    if absent_form != "none" and absent:
        assert out["absent"] == absent
    else:
        assert "absent" not in out
    assert out["attendance_scope"] == scope
    assert out["quorum_claimed"] is True


@pytest.mark.parametrize(
    "text, expected",
    [
        # roster cue inside the present clause: the count after 应到 is the roster
        (HEAD + "出席今天会议的代表应到215人，实到203人，符合法定人数。",
         dict(required=215, present=203)),
        # present and absent before the roster
        (HEAD + "到会代表203人，缺席12人，应到代表215人，符合法定人数。",
         dict(required=215, present=203, absent=12)),
        # 共有 after a present cue is the present count, not a roster
        (HEAD + "出席大会的代表共有203人，符合法定人数。", dict(present=203)),
        # present first, roster without a noun
        ("政协某县第八届委员会第二次会议开幕。会议实到委员28人，应到30人，符合规定人数。",
         dict(required=30, present=28)),
    ],
)
def test_orderings(text: str, expected: dict) -> None:
    got = values(run(text))
    assert {k: got.get(k) for k in ("required", "present", "absent")} == {
        "required": None, "present": None, "absent": None, **expected}
