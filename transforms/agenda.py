"""What the meeting heard and what the work report says.

Fields: `agenda_items` (canonical names of the reports heard, reviewed, examined, delivered or
approved by resolution, in order of first mention), `key_tasks` (the number of enumerated work
items for the coming period), and the report's inner structure: `report_parts`,
`achievements` (the review list), `key_task_items` and `slogans`.

Rules follow the structure of the language rather than corpus strings:
- a report *title* is the text before a terminal noun (报告 / 决议 / 纲要(草案) / 报告工作), bounded by
  clause punctuation, the previous title or the sentence start; it is classified by its topic
  words (计划 / 预算 / 决算 / 审计 / 提案 / 代表资格 …) or, for `…工作报告`, by the issuing organ
  (常务委员会 / 法院 / 检察院 / 主席团 / 人民政府), including elided lists
  (`市人大常委会、市中级人民法院、市人民检察院工作报告`) and the delivering organ
  (`X代表区人民政府向大会作工作报告`);
- a title counts when its sentence has a review cue before it (听取 / 审议 / 审查 / 书面审查 / 表决 /
  通过 / 批准), a resolution after it (…的决议), or it is delivered (`作…报告`, `向大会报告工作`);
  agenda announcements (`议程是：…`) and future or other-meeting sentences (`将…听取`) do not count.
"""

from __future__ import annotations

import re
from typing import Any

from transforms.facts import Fact, KeyTask, ReportFacts
from transforms.firstchar import guarded
from transforms.numbers import parse_int
from transforms.lexicon import agenda as lexicon
from transforms.lexicon import alternation, common, compile_words
from transforms.text import FULL_STOP, Sentences, TextView

# --------------------------------------------------------------------------- text helpers

_SOFT = "\ue000"  # stands in for a line wrap inside a sentence (PDF layout)


def _working_text(view: TextView, paged: bool = False) -> str:
    """Simplified, with line wraps inside a sentence turned into a soft marker.

    A newline is a wrap when the line before it does not end a sentence and the next line
    continues with text. In paged formats (PDF) any long line may wrap; elsewhere only a line
    that stops inside a title (`…草案的` / `报告`) is joined.
    """
    s = view.s
    soft: list[int] = []
    for m in re.finditer(r"\n", s):
        i = m.start()
        prev = s[i - 1] if i > 0 else "\n"
        nxt = s[i + 1] if i + 1 < len(s) else "\n"
        if prev in FULL_STOP + "\n:;：；" or nxt in "\n " or prev == " ":
            continue
        # the line before must be long-ish (headlines and captions are short lines)
        line_start = s.rfind("\n", 0, i) + 1
        mid_title = prev in "的和与及、" or s.startswith(("报告", "决议", "的报告", "的决议"), i + 1)
        if not mid_title and (not paged or i - line_start < 25):
            continue
        if re.match(r"[\u4e00-\u9fff0-9(“]", nxt):
            soft.append(i)
    if not soft:
        return s
    pieces, pos = [], 0
    for i in soft:
        pieces += [s[pos:i], _SOFT]
        pos = i + 1
    return "".join(pieces) + s[pos:]


def _sentences(view: TextView, s: str, family: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of the working text `s` (a title list may run over `；`,
    which parts clauses, not sentences) that hold one of the family's trigger words: no pattern
    can match in the others."""
    sents = view.memo.get("agenda_sentences")
    if sents is None or sents[0] is not s:
        sents = view.memo["agenda_sentences"] = (s, view.sentences if s is view.s else Sentences(s))
    found = sents[1]
    return [found.bounds(i) for i in view.sentences_with(family, found)]


_CN = "零一二三四五六七八九"


def _cn(k: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十."""
    if k < 10:
        return _CN[k]
    if k < 20:
        return "十" + (_CN[k - 10] if k > 10 else "")
    tens, ones = divmod(k, 10)
    return _CN[tens] + "十" + (_CN[ones] if ones else "")


# --------------------------------------------------------------------------- agenda items

GOV = "政府工作报告"
PLAN = "国民经济和社会发展计划执行情况与计划草案的报告"
BUDGET = "财政预算执行情况与预算草案的报告"
PLAN5 = "国民经济和社会发展五年规划纲要草案"
NPCSC = "人大常委会工作报告"
COURT = "人民法院工作报告"
PROC = "人民检察院工作报告"
CPPCCSC = "政协常委会工作报告"
PROPOSAL_WORK = "提案工作情况报告"
PROPOSAL_REVIEW = "提案审查情况报告"
PRESIDIUM = "人大主席团工作报告"
CREDENTIALS = "代表资格审查报告"
FINAL = "决算报告"
AUDIT = "审计工作报告"
ADJUST = "预算调整方案的报告"

# A terminal noun ends a title. 报告工作 (`向大会报告工作`, `向大会报告过去五年的工作`) is a delivery of
# a work report. `向大会报告…提案工作情况`: the proposals report delivered without the word 报告 after it.
_TERMINAL = guarded(r"报告(?:政府|常委会|常务委员会)?工作|(?<=向大会|向会议)报告[^,，。；;\n]{1,12}?的工作|报告|决议|纲要(?:\(草案\)|草案)?|决算(?:草案|\(草案\))?(?![的和与及]|草案)|"
                       r"预算调整方案(?![的和与及])|提案(?:工作)?情况(?!的?(?:报告|汇报))")
_DELIVERED_TO = compile_words(lexicon.DELIVERY_CUES)
_DISCUSSION = compile_words(lexicon.DISCUSSION_OF_REPORTS)
# Clause punctuation that bounds a title on the left (、 does not: it joins elided lists).
_LEFT_BOUND = re.compile(r"[,，:：;；。！？!?\n\"“”]")
_REVIEW_CUE = compile_words(lexicon.REVIEW_CUES)
_DELIVERY_BEFORE = guarded(r"(?:(?<![工合创写])作|做|宣读|提交|提请)了?(?:书面)?\s*$")
_AGENDA_LIST = re.compile(r"议程(?:是|为|共有|共|包括|有|如下|主要有)?[^。，,]{0,8}[:：]")
_AGENDA_DONE = re.compile(r"进行第[一二三四五六七八九十\d]{1,3}项议程[:：]")
_DISCUSSED = re.compile(r"[^，,。；;]{0,6}?(?:的)?" + alternation(lexicon.DISCUSSED_AFTER))
# `common.FUTURE`, and in agenda sentences a bare 将 / 拟 (`会议将听取…`).
_FUTURE = re.compile(alternation(common.FUTURE) + r"|将(?:要|在|于)?|拟")
_FUTURE_REVIEW = re.compile(r"(?:将|拟)(?:要|于[^，,。；;]{0,12}?)?" + alternation(lexicon.REVIEW_CUES))
# `人大工作报告` alone: a township's 人大 reports through its presidium, a county's and above's
# through its standing committee.
_ORG = re.compile(r"常务委员会|常委会|主席团|人民法院|法院|人民检察院|检察院|人民政府|国务院|政府"
                  r"|人大(?!常委会|常务委员会|代表|主席团)(?=工作)")
_ORG_TO_NAME = {
    "主席团": PRESIDIUM,
    "人民法院": COURT,
    "法院": COURT,
    "人民检察院": PROC,
    "检察院": PROC,
    "人民政府": GOV,
    "国务院": GOV,
    "政府": GOV,
}


# A budget told for part of the year (`上半年预算执行情况的报告`) is not the session's budget report.
_PART_YEAR = compile_words(lexicon.PART_YEAR)


# The topic words of `_topics` (compiled once: `re.search(pattern, …)` looks the pattern up in re's
# cache on every call, ~15 calls a title window).
_AUDIT = re.compile(r"审计(?:工作)?(?:情况)?的?报告")
_FINAL = re.compile(r"决算")
_ADJUST = re.compile(r"预算调整")
_PLAN5 = re.compile(r"五年规划|规划(?:和[^,，。]{0,20})?纲要|规划纲要")
_PLAN = re.compile(r"计划(?:执行|草案|\(草案\)|报告|的(?:报告|决议)|和预算|与预算|及预算)|"
                   r"(?:国民经济和社会发展|社会发展|经济社会发展)(?:年度)?计划")
_BUDGET = re.compile(r"预算(?:执行|草案|\(草案\)|报告|的(?:报告|决议))|(?:财政|本级|地方)预算")
_PROPOSAL = re.compile(r"提案(?:工作)?(?:审查|审议|办理)?(?:工作)?情况")
_PROPOSAL_WORD = re.compile(r"提案")
_PROPOSAL_REVIEW = re.compile(r"提案审查")
_CREDENTIALS = re.compile(r"代表资格")


def _topics(title: str) -> list[tuple[int, str]]:
    """(position, canonical name) of topic-classified reports named in a title window."""
    out: list[tuple[int, str]] = []
    audit = _AUDIT.search(title)
    final = _FINAL.search(title)
    adjust = _ADJUST.search(title)
    if audit:
        out.append((audit.start(), AUDIT))
    if final:
        out.append((final.start(), FINAL))
    if adjust:
        out.append((adjust.start(), ADJUST))
    plan5 = _PLAN5.search(title)
    if plan5:
        out.append((plan5.start(), PLAN5))
    plan = _PLAN.search(title)
    if plan and not _PART_YEAR.search(title):
        out.append((plan.start(), PLAN))
    if not (audit or final or adjust or _PART_YEAR.search(title)):
        budget = _BUDGET.search(title)
        if budget:
            out.append((budget.start(), BUDGET))
    proposal = _PROPOSAL.search(title) or _PROPOSAL_WORD.search(title)
    if proposal:
        out.append((proposal.start(), PROPOSAL_REVIEW if "审查" in proposal.group() or
                    _PROPOSAL_REVIEW.search(title) else PROPOSAL_WORK))
    cred = _CREDENTIALS.search(title)
    if cred:
        out.append((cred.start(), CREDENTIALS))
    return sorted(out)


def _committee_name(hint: str, body: str | None, doc_hint: str) -> str:
    if "政协" in hint or "政治协商" in hint:
        return CPPCCSC
    if "人大" in hint or "人民代表大会" in hint:
        return NPCSC
    if body:
        return CPPCCSC if "政协" in body else NPCSC
    return CPPCCSC if doc_hint == "政协" else NPCSC


def _orgs(phrase: str, body: str | None, doc_hint: str, level: str | None = None) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for m in _ORG.finditer(phrase):
        if m.group() == "人大":
            out.append((m.start(), PRESIDIUM if level == "township" else NPCSC))
        elif m.group() in ("常务委员会", "常委会"):
            out.append((m.start(), _committee_name(phrase[: m.start()], body, doc_hint)))
        else:
            out.append((m.start(), _ORG_TO_NAME[m.group()]))
    return out


def _doc_hint(s: str) -> str:
    return "政协" if s.count("政协") + s.count("政治协商") > s.count("人大") + s.count("人民代表大会") else "人大"


def _clause_left(before: str) -> int:
    last = None
    for last in _LEFT_BOUND.finditer(before):
        pass
    return last.end() if last else 0


# `通过了关于政府工作报告的决议草案，决定提请大会表决`: a draft put to the plenary, not yet its decision.
_DRAFT_RESOLUTION = re.compile(r"的?决议(?:草案|\(草案\))")
# A report's draft (`…提案审查情况的报告（草案）`) is never the report the sitting heard.
_DRAFT_REPORT = re.compile(r"\s*\(草案\)(?!的)")


def _agenda(doc: TextView, s: str, body: str | None, level: str | None = None) -> list[Fact[str]]:
    hint = _doc_hint(s)
    found: list[Fact[str]] = []
    seen: set[str] = set()
    for sstart, send in _sentences(doc, s, "agenda_titles"):
        sent = s[sstart:send]
        prev_end = 0
        for m in _TERMINAL.finditer(sent):
            t_start, t_end = m.start(), m.end()
            left = prev_end
            prev_end = t_end
            for b in _LEFT_BOUND.finditer(sent, left, t_start):
                left = b.end()
            # A space between two clauses of a headline bounds the title too, but not one inside
            # a title in 《》 (`题为《凝心聚力 奋勇争先》的政府工作报告`).
            gaps = [g for g in re.finditer(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])", sent[left:t_start])
                    if sent.count("《", left, left + g.start()) <= sent.count("》", left, left + g.start())]
            if gaps:
                left = left + gaps[-1].end()
            window = sent[left:t_start]
            flat = window.replace(_SOFT, "")
            before = sent[:t_start]
            after = sent[t_end:]
            # --- is this title in an agenda context?
            cue = _REVIEW_CUE.search(before)
            delivered = bool(_DELIVERY_BEFORE.search(window)) or m.group().startswith("报告") and len(m.group()) > 2 or bool(
                re.search(r"(?:(?<![工合创写])作|做)了?[^,，。]{0,40}$", window)
            ) or m.group().startswith("提案") and bool(_DELIVERED_TO.search(before, _clause_left(before)))
            if m.group().startswith("提案") and not delivered:
                continue
            # `听取了各代表团审议政府工作报告…情况的汇报`, `…工作报告的审议情况汇报`: their discussion,
            # not the reports.
            if (_DISCUSSION.search(before) and re.match(r"[^，,。；;]{0,24}?情况", after)) or _DISCUSSED.match(after):
                continue
            resolution = m.group() == "决议" or bool(re.match(r"[^。]*?的?决议", after) and
                                                   re.search(r"通过|表决|批准", sent))
            if _DRAFT_RESOLUTION.match(after) and "提请" in sent or m.group() == "报告" and _DRAFT_REPORT.match(after):
                continue
            if not (cue or delivered or resolution):
                continue
            # `议程是：…` announces the items; `现在进行第一项议程：通过…` (a transcript) carries one out.
            if (_AGENDA_LIST.search(before) and not _AGENDA_DONE.search(before)) or "列席" in before:
                continue
            first_cue = cue.start() if cue else t_start
            if _FUTURE.search(before[:first_cue + 1]) and not re.search(r"将(?:重点|着力|继续)", before):
                continue
            # `根据表决通过的会议议程，…会议将听取和审议…；审查和批准…`: the reviews are still to come.
            if _FUTURE_REVIEW.search(before):
                continue
            # --- classify
            names: list[tuple[int, str]] = []
            names_from_rep: int | None = None
            delivery_terminal = m.group().startswith("报告") and m.group().endswith("工作")
            if not delivery_terminal:
                names = _topics(flat + m.group())
            if not names and (delivery_terminal or flat.endswith("工作") or re.search(r"工作的?$", flat)
                              or re.search(r"(?:常务委员会|常委会|主席团)的?$", flat)):
                tail_m = list(re.finditer(r"(?:(?<![工合创写])作|做|关于|听取|审议|审查|通过)了?", flat))
                tail = flat[tail_m[-1].end():] if tail_m else flat
                if delivery_terminal and len(m.group()) > 4:
                    tail = m.group()[2:]
                names = _orgs(tail, body, hint, level) if _ORG.search(tail) else []
                if not names:
                    rep = list(re.finditer(r"代表([^,，。向作做]{0,40})", before))
                    if rep:
                        names = _orgs(rep[-1].group(1), body, hint, level)
                        names_from_rep = rep[-1].start() if names else None
                if not names and delivery_terminal:
                    # `受政协…常务委员会的委托，X向大会报告工作`: the entrusting organ's report.
                    entrusted = list(re.finditer(r"受([^,，。；;]{2,40}?)的?委托", before))
                    if entrusted:
                        names = _orgs(entrusted[-1].group(1), body, hint, level)
                        names_from_rep = entrusted[-1].start() if names else None
                if not names:
                    names = _orgs(flat, body, hint, level)
                    # a person's role in the window (院长, 主任) is not the report's organ when
                    # an explicit organ follows the delivery verb; keep only the last organ then
                    if len({n for _, n in names}) > 1 and not re.search(r"[、和及与]", flat):
                        names = names[-1:]
            if not names:
                continue
            lead = re.match(r"(?:[\s、]|以及|和|及|与|并)*", window)
            cstart = sstart + left + (lead.end() if lead else 0)
            if names_from_rep is not None:
                cstart = min(cstart, sstart + names_from_rep)
            cend = sstart + t_end
            for _, name in names:
                if name in seen:
                    continue
                seen.add(name)
                found.append(doc.fact(name, cstart, cend))
    return found


# --------------------------------------------------------------------------- enumerations

_MARKERS = (
    lambda k: rf"{_cn(k)}是",
    lambda k: rf"\({_cn(k)}\)",
    lambda k: rf"第{_cn(k)}[,，、:：]",
    lambda k: rf"(?<![\d一二三四五六七八九十]){_cn(k)}、",
    lambda k: rf"(?<![\d.]){k}[\.、．)](?!\d)",
    lambda k: rf"\({k}\)",
)


def _enumerate(s: str, start: int, limit: int = 3000, max_items: int = 30,
               stop: int | None = None) -> list[tuple[int, int, int]]:
    """Items `一是…二是…` (or (一) / 第一 / 一、 / 1.) beginning near `start`.

    Returns (ordinal, marker_start, marker_end) for 1..N, stopping at the first ordinal not
    found within `limit` characters of the previous marker.
    """
    end = len(s) if stop is None else stop
    for style in _MARKERS:
        m = re.compile(style(1)).search(s, start, min(end, start + 12))
        if not m:
            continue
        items = [(1, m.start(), m.end())]
        pos = m.end()
        for k in range(2, max_items + 1):
            nxt = re.compile(style(k)).search(s, pos, min(end, pos + limit))
            if not nxt:
                break
            gap = s[pos:nxt.start()]
            # an item does not run over a paragraph break unless the next item opens the
            # paragraph, nor over a colon that opens another list
            if "\n" in gap and gap[gap.rfind("\n") + 1:].strip(" \t\u3000"):
                break
            if re.search(r"[:：]", gap) and re.compile(style(1)).search(gap):
                break
            items.append((k, nxt.start(), nxt.end()))
            pos = nxt.end()
        if len(items) >= 2:
            return items
    return []


def _item_texts(s: str, items: list[tuple[int, int, int]], hard_end: int) -> list[tuple[int, int]]:
    """(start, end) of each item's text after its marker."""
    out = []
    for i, (_, _, mend) in enumerate(items):
        nxt = items[i + 1][1] if i + 1 < len(items) else hard_end
        if i + 1 == len(items):
            stop = re.compile(r"[。\n]").search(s, mend, nxt)
            nxt = stop.start() if stop else nxt
        end = nxt
        while end > mend and s[end - 1] in "，,；;。 \n" + _SOFT:
            end -= 1
        out.append((mend, end))
    return out


_COUNT = r"(\d+|[一二两三四五六七八九十]+|几)"
# Guarded (`transforms.firstchar`): its alternatives open with optional words, so the regex
# engine tried every one at every position of every sentence with a trigger (0.34 ms of a
# generated report; 0.14 ms with the first-character check).
_TASK_CUE = guarded(
    rf"(?:(?:重点|着力|全力|扎实|集中|突出|聚焦|切实|努力)?(?:抓好|做好|抓|做|推进|实施|落实|突出|聚焦|开展|完成)"
    rf"|重点|着力|部署|安排|提出|明确)[^。:：]{{0,12}}?(?:以下)?{_COUNT}(?:个)?(?:方面|项|件)"
    rf"(?:(?:的)?(?:重点|主要|具体)?{alternation(lexicon.TASK_NOUNS)}|(?=[:：]))"
    rf"|(?:重点|着力|全力|扎实|集中|突出|聚焦|切实|努力)?(?:抓好|做好|推进|实施|落实|完成|部署|提出|明确)[^。:：]{{0,12}}?{_COUNT}大(?:重点|主要)?(?:任务|工作)"
    rf"|从{_COUNT}(?:个)?方面(?:部署|安排|提出|明确)(?:了)?[^。:：]{{0,12}}?(?:工作|任务)"
    # `重点实施“五大工程”：一是…`: a named bundle of actions, listed after the colon.
    rf"|(?:实施|推进|抓好|做好|打好|开展|推动)[“\"]?{_COUNT}大(?:工程|行动|攻坚战|战略|举措)[”\"]?(?=\s*[:：])"
    rf"|(?:聚焦|实现|实施|推进|抓好|做好|打好|开展|推动)[“\"]{_COUNT}个[^“”\"：:。]{{1,6}}[”\"](?=\s*[:：])"
    rf"|(?:主要|重点)(?:工作)?(?:任务|工作)(?:是|为|有|包括)?(?=[:：])"
    rf"|(?:抓好|做好|推进|落实|着力|突出)以下(?:几(?:个方面|项|方面)|[^。:：]{{0,6}})(?:的)?(?:重点)?(?:工作|任务)"
)
# What every `_TASK_CUE` match holds: a count right before 方面 / 项 / 件 (个 allowed between) or 大
# (the first four alternatives), a quote, a count and 个 (the fifth), 主要 or 重点 and a colon (the
# sixth), or 以下 (the last). Most sentences with a key-task trigger word hold none of them: these
# checks in C (patterns that open with a character class, which the engine skips ahead to) spare
# the scan, which tries the guarded pattern at every position of the sentence.
_COUNT_BEFORE_UNIT = re.compile(r"[\d一二两三四五六七八九十几](?:个?(?:方面|项|件)|大)")
_QUOTED_COUNT = re.compile(r"[“\"][\d一二两三四五六七八九十几]+个")


def _may_hold_task_cue(sent: str) -> bool:
    return bool("以下" in sent or ("主要" in sent or "重点" in sent) and (":" in sent or "：" in sent)
                or _COUNT_BEFORE_UNIT.search(sent) or _QUOTED_COUNT.search(sent))


_FORWARD = re.compile(r"今年|明年|新的一年|下一步|今后一年|本年|来年|\d{4}年|[一二〇零○]{4}年|(?<![主重需])要|将|重点")
_COMING = re.compile(r"今年|明年|新的一年|下一步|今后|来年|新一年|\d{4}年|[一二〇零○]{4}年")
_REVIEW = re.compile(r"回顾|总结|过去|成绩|成效|取得|去年|上一年|一年来|五年来|主要做了")


def _key_tasks(doc: TextView, s: str) -> tuple[Fact[int] | None, list[Fact[KeyTask]]]:
    for sstart, send in _sentences(doc, s, "key_tasks"):
        sent = s[sstart:send]
        if not _may_hold_task_cue(sent):
            continue
        for m in _TASK_CUE.finditer(sent):
            colon = re.compile(r"[:：]").search(sent, m.end(), m.end() + 8)
            head = sent[: m.end()]
            clause_start = max(head.rfind(c) for c in ",，;；") + 1
            clause = head[clause_start:]
            if _REVIEW.search(clause) or "部分" in m.group():
                continue
            # `重点抓了五项工作`: done work (了), and a review clause earlier in the sentence
            # (`报告总结了2023年工作，…`) unless a later clause turns to the coming period.
            if re.search(r"(?:抓|做|推进|实施|落实|开展|完成|突出|聚焦)了", m.group()):
                continue
            reviews = list(_REVIEW.finditer(sent, 0, m.start()))
            if reviews:
                later = sent[reviews[-1].end():m.start()]
                # (normalisation turned the full-width comma into `,`)
                cuts = [i for i in (later.find("，"), later.find(",")) if i >= 0]
                later = later[min(cuts) + 1:] if cuts else ""
                if not _COMING.search(later):
                    continue
            if "实事" in sent[m.end(): m.end() + 4]:
                continue
            if not (_FORWARD.search(head) or re.search(r"抓好|做好|着力|重点", m.group())):
                continue
            said = next((g for g in m.groups() if g), None)
            announced = parse_int(said) if said and said != "几" else None
            if said and said != "几" and announced is None:
                continue
            cstart = sstart + m.start()
            items: list[tuple[int, int, int]] = []
            if colon:
                items = _enumerate(s, sstart + colon.end())
            elif announced is None:
                continue
            if announced is not None and announced < 2:
                continue
            if announced is not None and items and len(items) > announced:
                items = items[:announced]
            count = announced if announced is not None else len(items)
            if count is None or count < 2:
                continue
            if announced is None and len(items) < 2:
                continue
            cend = items[-1][2] if items and (announced is None or len(items) == announced) else sstart + m.end()
            fact = doc.fact(count, cstart, cend)
            task_items: list[Fact[KeyTask]] = []
            if items:
                for (k, _, _), (a, b) in zip(items, _item_texts(s, items, len(s))):
                    cut = re.compile(r"[,，;；。:：]").search(s, a, b)
                    h_end = cut.start() if cut else b
                    heading = s[a:h_end].replace(_SOFT, "").strip()
                    if heading:
                        task_items.append(doc.fact(KeyTask(k, heading), a, h_end))
            return fact, task_items
    return None, []


# `(?:回顾|总结)…|(?:取得|主要)…` with each word its own alternative: alternatives that open with a
# literal let the regex engine skip ahead to their first characters instead of trying every position.
_ACHIEVEMENTS_LEAD = re.compile(r"回顾[^。:：]{0,30}?[:：]|总结[^。:：]{0,30}?[:：]"
                                r"|取得[^。:：]{0,10}(?:成绩|成效)[^。:：]{0,10}[:：]|主要[^。:：]{0,10}(?:成绩|成效)[^。:：]{0,10}[:：]")


def _achievements(doc: TextView, s: str) -> list[Fact[str]]:
    for m in _ACHIEVEMENTS_LEAD.finditer(s):
        items = _enumerate(s, m.end())
        if not items:
            continue
        out = []
        for a, b in _item_texts(s, items, len(s)):
            text = s[a:b].replace(_SOFT, "").strip()
            if text:
                out.append(doc.fact(text, a, b))
        return out
    return []


def _report_parts(doc: TextView, s: str) -> list[Fact[str]]:
    m = re.search(rf"(?:共分为|共分成|共分|分为|分成|包括){_COUNT}(?:个)?部分[:：]", s)
    if not m:
        return []
    n = parse_int(m.group(1))
    start = m.end()
    end_m = re.compile(r"[。\n]").search(s, start)
    end = end_m.start() if end_m else len(s)
    items = _enumerate(s, start, stop=end)
    spans: list[tuple[int, int]]
    if items:
        spans = _item_texts(s, items, end)
    else:
        spans = []
        pos = start
        for piece in re.split(r"[;；]", s[start:end]):
            spans.append((pos, pos + len(piece)))
            pos += len(piece) + 1
    out = []
    for a, b in spans:
        while a < b and s[a] in " " + _SOFT:
            a += 1
        while b > a and s[b - 1] in "，,；;。 " + _SOFT:
            b -= 1
        if a < b:
            out.append(doc.fact(s[a:b].replace(_SOFT, ""), a, b))
    if n and len(out) != n:
        return []
    return out


_QUOTE = r"[“\"「]([^”\"」\n]{2,80})[”\"」]"


def _slogans(doc: TextView, s: str) -> list[Fact[str]]:
    out: list[Fact[str]] = []
    seen: set[str] = set()
    pats = (
        rf"(?:悬挂|挂)(?:着)?(?:的)?{_QUOTE}(?:的)?(?:巨幅|大幅|大型|红色)?(?:标语|横幅|会标)",
        rf"{_QUOTE}(?:的)?(?:巨幅|大幅|大型|红色)?(?:标语|横幅|会标)",
        rf"主题(?:是|为)[:：]?{_QUOTE}",
        rf"以{_QUOTE}为(?:主题|主线)",
    )
    for pat in pats:
        for m in re.finditer(pat, s):
            value = m.group(1).replace(_SOFT, "").strip()
            if value in seen:
                continue
            seen.add(value)
            out.append(doc.fact(value, m.start(1), m.end(1)))
    out.sort(key=lambda f: f.start)
    return out


# --------------------------------------------------------------------------- entry point


def extract(doc: TextView, so_far: ReportFacts) -> dict[str, Any]:
    s = _working_text(doc, paged=doc.doc.format == "pdf")
    body = so_far.body.value if so_far.body is not None else None
    level = so_far.level.value if so_far.level is not None else None
    agenda = _agenda(doc, s, body, level)
    key_tasks, task_items = _key_tasks(doc, s)
    return {
        "agenda_items": agenda or None,
        "key_tasks": key_tasks,
        "key_task_items": task_items,
        "report_parts": _report_parts(doc, s),
        "achievements": _achievements(doc, s),
        "slogans": _slogans(doc, s),
    }
