"""People facts: executive chairs (`executive_chairs`), who presided (`presider`), who gave the
government work report (`work_report_by`), and the leaders the text names with a role (`leaders`).

Rules read the role structure of the sentence, not particular names:

* a name is what remains of a segment after its last title cue (`省人大常委会副主任熊卫平` → 熊卫平),
  2–4 Chinese characters (up to 6 for lists and minority names, longer with `·`), any CJK block;
* executive chairs are the name list right after an explicit 执行主席 label (also after
  `…执行主席的有：`, `…执行主席是（按姓名笔画排列）：`, `执行主席、主席团常务主席X`), up to the end of
  the list (在主席台…就座 / 主持 / 。 / line end / 等);
* the presider is the name before `主持` (`X主持会议`, `会议由…X主持`), after `主持人`, or — when
  nobody is said to 主持 — the person who declares the meeting open (`X宣布…开幕`);
* the work report is the name before `(代表…人民政府)(向大会)作政府工作报告`; reports made on behalf of
  a CPPCC / standing committee / court / procuratorate do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterator
from typing import Any

from transforms.facts import Fact, Person, ReportFacts
from transforms.firstchar import guarded
from transforms.lexicon import alternation, compile_words
from transforms.lexicon import people as lexicon
from transforms.sitting import is_presidium_meeting
from transforms.text import Derived, TextView

# Any CJK ideograph (basic, extension A, compatibility, supplementary planes) and the
# middle dot of transliterated names.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
NAME_CHARS = CJK + "·•"
_NAME_RE = re.compile(rf"[{CJK}]{{2,6}}|[{CJK}]+(?:[·•][{CJK}]+)+")

TITLES = sorted(lexicon.TITLES, key=len, reverse=True)
_TITLE_RE = re.compile(alternation(lexicon.TITLES))
_TRAILING_TITLE_RE = re.compile(alternation(lexicon.TITLES) + "$")
_STOP_WORDS = tuple(lexicon.NOT_NAMES)
# Any of them inside a token, in one regex search rather than a generator over the 56 words (is_name
# runs some 200 times a report).
_STOP_WORD_RE = re.compile("|".join(re.escape(w) for w in _STOP_WORDS))
_STOP_CHARS = set("的了在由是并将把被这该届议,，。;；:：!?、()（）\n\t 0123456789")
# 次 ends counts (三次, 第二次) but opens Tibetan names (次仁多吉, 次旦): allowed only first.
_COUNT_CHAR = "次"
_MARKER_RE = re.compile(r"\((?:[^()]{0,12})\)|（[^（）]{0,12}）")
_SEP = "、,，;；/ \u3000\t\n"


def is_name(token: str, max_len: int = 4) -> bool:
    """A plausible personal name: 2–`max_len` CJK characters (or a `·` transliteration),
    no title or common word, no function character."""
    if not token or any(ch in _STOP_CHARS for ch in token) or _COUNT_CHAR in token[1:]:
        return False
    dotted = "·" in token or "•" in token
    if not dotted and not 2 <= len(token) <= max_len:
        return False
    if dotted and not 3 <= len(token) <= 20:
        return False
    if not _NAME_RE.fullmatch(token):
        return False
    if token in TITLES:
        return False
    return _STOP_WORD_RE.search(token) is None


def strip_title(segment: str) -> tuple[str, int]:
    """The part of `segment` after its last title cue, and that part's offset."""
    last = 0
    for m in _TITLE_RE.finditer(segment):
        last = m.end()
    return segment[last:], last


@dataclass(frozen=True)
class NameSpan:
    name: str
    start: int  # in the string the split was run on
    end: int


def split_names(text: str, offset: int = 0, max_len: int = 6) -> list[NameSpan]:
    """Split a written name list into names, in order, with positions (shifted by `offset`).

    Delimiters: 、 , ， ; spaces and the conjunctions 和 及 与 (only where both sides are names,
    so 唐永和 stays whole); markers such as （女）/（回族） are dropped, a trailing 等 is removed,
    titles before a name are removed. The list ends at the first token that is not a name.
    """
    masked = _MARKER_RE.sub(lambda m: "、" * len(m.group(0)), text)
    out: list[NameSpan] = []
    for m in re.finditer(rf"[^{re.escape(_SEP)}]+", masked):
        tok, start = m.group(0), m.start()
        if tok.endswith("等") and len(tok) > 2:
            tok = tok[:-1]
        if tok[0] in "和及与" and len(tok) > 2 and start > 0 and text[start - 1] in ")）":
            tok, start = tok[1:], start + 1  # `王芳（女）和李明`: the marker hid the delimiter
        if tok.endswith("同志") and len(tok) > 3:
            tok = tok[:-2]
        # `…、王晓燕四位同志`: the count closing the list.
        tok = _LIST_COUNT.sub("", tok) if len(tok) > 3 else tok
        pieces = []
        for part, poff0 in _split_titled(tok):
            name, off = strip_title(part)
            got = _split_conjunction(name, max_len)
            if not got:
                pieces = []
                break
            pieces += [(piece, poff0 + off + poff) for piece, poff in got]
        if not pieces:
            break
        for piece, poff in pieces:
            out.append(NameSpan(piece, offset + start + poff, offset + start + poff + len(piece)))
    return out


_LIST_COUNT = re.compile(r"[一二三四五六七八九十两\d]{1,3}(?:位|名|人)$")


def _split_titled(tok: str) -> list[tuple[str, int]]:
    """`省政协主席莫国华和省政协副主席蒲晓梅`: titled names joined by 和 / 及 / 与 are two names (a
    conjunction inside a name, 唐永和, has no title on both sides)."""
    for m in re.finditer(r"[和及与]", tok):
        left, right = tok[:m.start()], tok[m.end():]
        if _TITLE_RE.search(left) and _TITLE_RE.search(right):
            lname, _ = strip_title(left)
            rname, _ = strip_title(right)
            if is_name(lname, 4) and is_name(rname, 4):
                return [(left, 0)] + [(p, o + m.end()) for p, o in _split_titled(right)]
    return [(tok, 0)]


def _split_conjunction(tok: str, max_len: int) -> list[tuple[str, int]]:
    if is_name(tok, 4):
        return [(tok, 0)]
    for i, ch in enumerate(tok):
        if ch in "和及与" and 2 <= i:
            left, right = tok[:i], tok[i + 1:]
            if is_name(left, max_len):
                rest = _split_conjunction(right, max_len)
                if rest:
                    return [(left, 0)] + [(p, o + i + 1) for p, o in rest]
    if is_name(tok, max_len):
        return [(tok, 0)]
    return []


# ---------------------------------------------------------------------------

_LIST_END_RE = re.compile(
    lexicon.LIST_ENDS + r"|[。;；!?！？\n]|等(?=[在和及与,，。;；\n人同]|$)|和(?:大会|主席团|其他|有关)|以及"
)
_CHAIR_LEAD_RE = re.compile(
    r"(?:[、,，]?\s*(?:大会)?(?:主席团)?(?:常务主席|常务副主席|秘书长))*\s*"
    rf"(?:的)?(?:名单)?{alternation(lexicon.CHAIR_LEADS)}?\s*"
    # `共有执行主席5名，分别是：`
    r"(?:[\d一二三四五六七八九十]{1,3}\s*(?:名|位|人)\s*[,，]?\s*(?:分别|依次)?(?:是|为|有)?)?\s*"
    r"(?:\([^()]{0,15}\)|（[^（）]{0,15}）)?\s*[:：]?\s*"
)


_CHAIR_VERB_BEFORE = re.compile(
    rf"{alternation(lexicon.CHAIR_VERBS)}(?:本次|今天|本届|这次)?(?:大会|会议|全体会议|开幕会|闭幕会|开幕大会|闭幕大会)?的?$")


# `推选张建华、李红梅为大会执行主席`: the presidium names the chairs.
_CHAIRS_CHOSEN = re.compile(
    rf"{alternation(lexicon.CHAIR_CHOOSING)}(?P<list>[^。;；!?！？\n:：]{{2,100}}?)(?:为|担任)"
    r"(?:本次|今天|本届|这次)?(?:大会|会议|全体会议|开幕会|闭幕会)?的?执行主席")
_CHAIRS_ETC_BEFORE = re.compile(r"等(?:本次|今天|这次)?(?:大会|会议|全体会议|开幕会|闭幕会)?的?$")
_SPEECH = re.compile(alternation(lexicon.SPEECH_VERBS))
_SPEECH_NOT_DECLARING = re.compile(alternation(w for w in lexicon.SPEECH_VERBS if w != "宣布"))


# The reported event, right after 主持 (`主持闭幕大会`) or just before it (`闭幕大会由X主持`).
_EVENT_WORDS = {"开幕": re.compile(r"(?:了)?(?:开幕大会|开幕会|开幕式|开幕)"),
                "闭幕": re.compile(r"(?:了)?(?:闭幕大会|闭幕会|闭幕式|闭幕)")}
# Before 主持, only the sitting as a noun (`闭幕大会由X主持`), not the session's closing told as a verb.
_EVENT_NOUNS = {"开幕": re.compile(r"开幕(?:大会|会|式)"), "闭幕": re.compile(r"闭幕(?:大会|会|式)")}
_BEFORE_AFTER = re.compile(r"(?:之|以)?[前后]")
_BEFORE_PRESIDING = re.compile(alternation(lexicon.BEFORE_PRESIDING) + "$")
_SEATS = re.compile(r"席(?:位|上|前|中|间|就座|就坐|$|[,，。、\s])")


def _chairs(view: Derived) -> list[NameSpan]:
    s = view.s
    out: list[NameSpan] = []
    seen: set[str] = set()
    for m in re.finditer("执行主席", s):
        if s[m.end():m.end() + 1] == "团" or _SEATS.match(s, m.end()):
            continue  # 执行主席席 (the seats), not a label; 执行主席席振国 is a label and a name
        # `A、B、C担任本次会议执行主席`: the names come before the label.
        chosen = _CHAIRS_CHOSEN.search(s, max(0, m.start() - 120), m.end())
        if chosen is not None and chosen.end() == m.end():
            for ns in split_names(chosen.group("list"), chosen.start("list")):
                if ns.name not in seen:
                    seen.add(ns.name)
                    out.append(ns)
            continue
        # `A、B担任本次会议执行主席`, `A、B等大会执行主席在主席台就座`: the names come before the label.
        verb = _CHAIR_VERB_BEFORE.search(s, max(0, m.start() - 14), m.start()) or \
            _CHAIRS_ETC_BEFORE.search(s, max(0, m.start() - 8), m.start())
        if verb is not None and not re.match(r"\s*(?:的|[:：]|是|有|为)", s[m.end():]):
            for ns in _listed_before(s, verb.start()):
                if ns.name not in seen:
                    seen.add(ns.name)
                    out.append(ns)
            continue
        lead = _CHAIR_LEAD_RE.match(s, m.end())
        start = lead.end() if lead else m.end()
        end_m = _LIST_END_RE.search(s, start)
        end = end_m.start() if end_m else len(s)
        if lead is not None and "\n" in s[m.end():start]:
            # Block layout (`执行主席：` then the names on their own lines): the list runs on
            # over every following line that is nothing but names.
            end = _block_end(s, start, end)
        if end - start > 200:
            end = start + 200
        for ns in _untitled_run(s, start, split_names(s[start:end], start)):
            if ns.name not in seen:
                seen.add(ns.name)
                out.append(ns)
    return out


def _untitled_run(s: str, start: int, names: list[NameSpan]) -> list[NameSpan]:
    """A list that opens with bare names ends where a name carries its own title
    (`执行主席A、B、县委书记C等在主席台就座`: C is a leader seated beside the chairs)."""
    out: list[NameSpan] = []
    prev = start
    for ns in names:
        titled = bool(_TITLE_RE.search(_MARKER_RE.sub("", s[prev:ns.start])))
        if titled and out and not any(_TITLE_RE.search(s[a:b]) for a, b in _gaps(start, out)):
            break
        out.append(ns)
        prev = ns.end
    return out


def _gaps(start: int, names: list[NameSpan]) -> list[tuple[int, int]]:
    ends = [start] + [ns.end for ns in names[:-1]]
    return [(a, ns.start) for a, ns in zip(ends, names)]


def _only_names(line: str) -> bool:
    names = split_names(line)
    if not names:
        return False
    rest = _MARKER_RE.sub("", line)
    for ns in names:
        rest = rest.replace(ns.name, "", 1)
    return not rest.strip(_SEP + "和及与等")


def _block_end(s: str, start: int, end: int) -> int:
    while end < len(s) and s[end] == "\n":
        nl = s.find("\n", end + 1)
        nl = len(s) if nl < 0 else nl
        line = s[end + 1:nl]
        if not line.strip() or len(line) > 60 or not _only_names(line):
            break
        end = nl
    return end


_CLAUSE_BOUND = ",，。;；:：!?！？\n \t()（）【】[]"


def _clause_start(s: str, pos: int, bounds: str = _CLAUSE_BOUND) -> int:
    i = pos
    while i > 0 and s[i - 1] not in bounds:
        i -= 1
    return i


def _name_from_segment(seg: str, seg_start: int) -> NameSpan | None:
    """The name at the end of `seg` (after titles): `大会主席团常务主席、执行主席X` → X."""
    # `县长X受县人民政府委托所作的…`: the mandate and 所 follow the name.
    seg = re.sub(r"(?:受[^,，。;；]{0,25}委托)?所?$", "", seg)
    seg = re.sub(r"(?:向大会|在大会上|在会上|向会议|在开幕会上|在闭幕会上|同志)$", "", seg)
    # `X出席会议并主持`, `X召集并主持`, `由X担任主持`: the verbs before 主持.
    seg = _BEFORE_PRESIDING.sub("", seg)
    rest, off = strip_title(seg)
    rest = rest.strip()
    if not rest:
        # `王立新区长代表…`: the title follows the name.
        head = seg.rstrip()
        while (t := _TRAILING_TITLE_RE.search(head)) is not None and t.start() > 0:
            head = head[: t.start()]
        if head == seg.rstrip():
            return None
        rest, off = strip_title(head)
        # `图为县长…`, `他是县长…`: a verb before the title, not a name.
        if not is_name(rest, 4) or set(rest) & set("为是有和与及在图"):
            return None
        return NameSpan(rest, seg_start + off, seg_start + off + len(rest))
    names = split_names(rest, seg_start + off + (len(seg[off:]) - len(seg[off:].lstrip())), max_len=5)
    if not names:
        return None
    if len(names) == 1 or any(ch in rest for ch in "、,，"):
        return names[0]
    return None


def _name_after(s: str, pos: int) -> NameSpan | None:
    """The name that follows `pos` (`主持人：县人大常委会主任刘明宣布…` → 刘明)."""
    m = re.match(r"\s*[】\]]?\s*(?:是|为)?\s*[:：]?\s*", s[pos:])
    i = pos + (m.end() if m else 0)
    j = i
    while j < len(s) and j - i < 24 and re.match(rf"[{NAME_CHARS}]", s[j]):
        j += 1
    # `【主持人】全国政协主席 尹正东`: a title run, a space, then the name.
    if j > i and not strip_title(s[i:j])[0] and re.match(r"[ \u3000]", s[j:j + 1]):
        k = j + 1
        while k < len(s) and k - j < 8 and re.match(rf"[{NAME_CHARS}]", s[k]):
            k += 1
        if is_name(s[j + 1:k], 5):
            return NameSpan(s[j + 1:k], j + 1, k)
    run = s[i:j]
    for cut in _SPEECH.finditer(run):
        if cut.start() >= 2:
            run = run[: cut.start()]
            break
    rest, off = strip_title(run)
    if is_name(rest, 5):
        return NameSpan(rest, i + off, i + off + len(rest))
    # Titles first, then the verb (`副县长向光明宣布`: 向 is a surname here).
    rest, off = strip_title(s[i:j].split("宣布")[0])
    for cut in _SPEECH_NOT_DECLARING.finditer(rest):
        if cut.start() >= 2:
            rest = rest[: cut.start()]
            break
    if is_name(rest, 5):
        return NameSpan(rest, i + off, i + off + len(rest))
    # Titles joined by 、 (`主持会议的是大会执行主席、县人大常委会主任张建华`).
    k = i
    while k < len(s) and k - i < 40 and s[k] not in ",，。;；!?！？\n":
        k += 1
    if "、" in s[i:k]:
        clause = re.split(r"宣布|主持|说|指出|表示|强调|讲话|致辞", s[i:k])[0]
        got = _name_from_segment(clause, i)
        if got and _TITLE_RE.search(s[i:got.start]):
            return got
    return None


_PRESIDIUM_MEETING_AFTER = re.compile(r"^[^,，。;；\n]{0,10}主席团(?:第[^,，。\n]{1,4}次)?会议")


def _presiders(view: Derived, is_presidium_meeting: bool) -> Iterator[tuple[NameSpan, int]]:
    """Every name said to 主持, in text order, with the end of its 主持."""
    s = view.s
    for m in re.finditer(r"主持", s):
        if s[m.start() - 1:m.start()] in ("(", "（") and s[m.end():m.end() + 2] in ("人)", "人）"):
            # `张建华（主持人）、李红梅…`: the name right before the bracket.
            cs = _clause_start(s, m.start() - 1, _CLAUSE_BOUND + "、")
            got = _name_from_segment(s[cs:m.start() - 1], cs)
            if got:
                yield got, m.end()
            continue
        if s[m.end():m.end() + 1] == "人":
            got = _name_after(s, m.end() + 1)
            if got:
                yield got, m.end()
            continue
        if s[m.end():m.end() + 1] in ("词",):
            continue
        if s[m.end():m.end() + 1] in (":", "："):
            got = _name_after(s, m.end() + 1)  # `主持：X`
            if got:
                yield got, m.end()
            continue
        if not is_presidium_meeting and _PRESIDIUM_MEETING_AFTER.match(s[m.end():]):
            continue
        cs = _clause_start(s, m.start())
        seg = s[cs:m.start()]
        # 主持会议的是X / 主持人为X
        after = re.match(r"(?:会议|大会|开幕会|闭幕会|闭幕大会|本次会议|今天会议)?的(?:是|为)", s[m.end():])
        if after and not seg.strip():
            got = _name_after(s, m.end() + after.end())
            if got:
                yield got, m.end()
            continue
        # 在X的主持下 / 在X主持下
        if "在" in seg and (seg.endswith("的") or s[m.end():m.end() + 1] == "下"):
            i = seg.rfind("在")
            inner = seg[i + 1:-1] if seg.endswith("的") else seg[i + 1:]
            got = _name_from_segment(inner, cs + i + 1)
            if got:
                yield got, m.end()
            continue
        if "由" in seg:
            i = seg.rfind("由")
            seg, cs = seg[i + 1:], cs + i + 1
        got = _name_from_segment(seg, cs)
        if got:
            yield got, m.end()


def _presider(view: Derived, is_presidium_meeting: bool, event: str | None) -> NameSpan | None:
    """Who presided over the reported sitting: the first said to 主持 — or, when several are and
    one of them presided over the reported event (`选举之后，王立群主持闭幕大会` after `在副主席高振东的
    主持下，举行选举大会`), that one; else the person who declares the meeting open."""
    s = view.s
    found = list(_presiders(view, is_presidium_meeting))
    if len({ns.name for ns, _ in found}) > 1 and event in _EVENT_WORDS:
        rx = _EVENT_WORDS[event]
        for ns, after in found:
            # the event right after 主持, or in its sentence or the one before (`随后，会议举行闭幕大会。大会由X
            # 主持`) — not one the sitting came before (`闭幕大会前，在Y的主持下，举行选举大会`)
            lo = max(0, after - 40)
            stops = [i for i in range(lo, after) if s[i] in "。！？!?\n"]
            lo = stops[-2] + 1 if len(stops) >= 2 else lo
            if rx.match(s, after) or any(not _BEFORE_AFTER.match(s, e.end())
                                         for e in _EVENT_NOUNS[event].finditer(s, lo, after - 2)):
                return ns
    if found:
        return found[0][0]
    # Nobody is said to 主持: the person who declares the meeting open.
    for m in re.finditer(r"宣布", s):
        tail = s[m.end():m.end() + 60]
        end = re.search(r"[。\n]", tail)
        if not re.search(r"开幕|开会|闭幕|开始", tail[: end.start() if end else 60]):
            continue
        cs = _clause_start(s, m.start())
        got = _name_from_segment(s[cs:m.start()], cs)
        if got:
            return got
    return None


_REPORT_RE = guarded(
    # `镇长X所作的《双溪镇人民政府工作报告》`: the government's name may open the title.
    r"(?:所)?(?:作|做)了?(?:题为[《“\"][^》”\"\n]{1,40}[》”\"])?的?\s*(?:[《“\"][^》”\"\n]{0,16}?)?(?P<rep>政府工作报告|工作报告)"
    r"|(?:报告|汇报)了?(?P<rep3>政府工作)(?!报告)"
    # `代表县人民政府向大会报告工作`: only counts with a government behind 代表.
    r"|向(?:大会|会议)(?:报告|汇报)(?:[^,，。;；]{0,12}?的)?(?P<rep4>工作)"
)
_NOT_GOVERNMENT = compile_words(lexicon.NOT_GOVERNMENT)
_GOVERNMENT = compile_words(lexicon.GOVERNMENT)


def _work_report(view: Derived) -> NameSpan | None:
    s = view.s
    sents = view.sentences
    for m in _REPORT_RE.finditer(s):
        rep = m.group("rep") or ("工作报告" if m.group("rep4") else "政府工作报告")
        s_lo, _ = sents.bounds(sents.index(m.start()))
        prefix = s[s_lo:m.start()]
        entrusted = re.search(r"受[^,，。]{0,25}委托", prefix)
        rep_pos = prefix.rfind("代表")
        if rep_pos >= 0 and re.match(r"代表(?:们|团|资格|大会)", prefix[rep_pos:]):
            rep_pos = -1
        if rep_pos >= 0:
            org = prefix[rep_pos + 2:]
            if _NOT_GOVERNMENT.search(org.replace("人民政府", "")) or not (_GOVERNMENT.search(org) or rep == "政府工作报告"):
                continue
            seg_end = s_lo + rep_pos
        else:
            if rep != "政府工作报告":
                if not (entrusted and _GOVERNMENT.search(entrusted.group(0))
                        and not _NOT_GOVERNMENT.search(entrusted.group(0).replace("人民政府", ""))):
                    continue
            seg_end = m.start()
        cs = _clause_start(s, seg_end)
        seg = s[cs:seg_end]
        verb = None
        for verb in re.finditer(r"听取了?|审议了?|审查了?", seg):
            pass
        if verb is not None:
            cs, seg = cs + verb.end(), seg[verb.end():]
        got = _name_from_segment(seg, cs)
        if got:
            return got
        # `市长X受市人民政府委托，向大会作政府工作报告`: the name is in the clause before.
        if not re.sub(r"向大会|在大会上|在会上|向会议|同志|\s", "", seg) and cs > s_lo:
            pcs = _clause_start(s, cs - 1)
            entrust = re.search(r"受([^,，。]{0,25})委托$", s[pcs:cs - 1])
            if entrust and _GOVERNMENT.search(entrust.group(1)) and not _NOT_GOVERNMENT.search(
                    entrust.group(1).replace("人民政府", "")):
                got = _name_from_segment(s[pcs:pcs + entrust.start()], pcs)
                if got:
                    return got
    # 政府工作报告由市长X作 / 由X代表市人民政府作
    for m in re.finditer(r"政府工作报告由([^,，。;；\n]{2,40}?)(?:代表[^,，。;；\n]{0,20}?)?(?:作|做|宣读)", s):
        got = _name_from_segment(m.group(1), m.start(1))
        if got:
            return got
    return None


_ORG_END = set(lexicon.ORG_ENDS)
# Written as alternatives that each open with a literal character (the optional lead-in spelt out):
# the regex engine then skips ahead to those characters. `(?:应邀)?出席…` gives it no first character,
# so it tried the pattern at every position of the text (0.03-0.04 ms a report each).
_ROSTRUM_RE = re.compile(r"出席(?:会议|大会|开幕会|闭幕会)?并在主席台(?:前排)?(?:就座|就坐)"
                         r"|在主席台(?:前排)?(?:就座|就坐)")
_ATTEND_RE = re.compile(r"应邀出席(?:了)?(?:会议|大会|开幕会|闭幕会|开幕式)|出席(?:了)?(?:会议|大会|开幕会|闭幕会|开幕式)")


def _listed_before(s: str, end: int) -> list[NameSpan]:
    """Names in the list that ends at `end` (the clause group before a verb)."""
    lo = _clause_start(s, end, "。;；!?！？\n")
    seg = s[lo:end]
    if "执行主席" in seg:
        return []
    cut = re.search(r"等(?=[和及与,，在出应]|$)|(?:和|以及|及)(?:大会|主席团|其他|有关)", seg)
    if cut:
        seg = seg[: cut.start()]
    # Keep the last run of names: split the segment into comma clauses from the right.
    names: list[NameSpan] = []
    # Commas inside markers such as （女，土家族） do not split the list.
    masked = _MARKER_RE.sub(lambda mk: "\0" * len(mk.group(0)), seg)
    bounds = [0] + [c.end() for c in re.finditer(r"[,，]", masked)] + [len(seg) + 1]
    for a, b in reversed(list(zip(bounds, bounds[1:]))):
        part = seg[a:b - 1]
        if not part:
            continue
        got = [ns for ns in split_names(part, lo + a) if ns.name[-1] not in _ORG_END]
        if not got:
            break
        names = got + names
    return names


def extract(tv: TextView, so_far: ReportFacts) -> dict[str, Any]:
    view = tv.spaced
    s = view.s
    if not s.strip():
        return {}
    presidium_meeting = is_presidium_meeting(tv, so_far)

    def fact(ns: NameSpan, value: Any = None) -> Fact[Any]:
        return view.fact(ns.name if value is None else value, ns.start, ns.end)

    out: dict[str, Any] = {}
    leaders: list[Fact[Person]] = []
    chairs = _chairs(view)
    if chairs:
        out["executive_chairs"] = [fact(ns) for ns in chairs]
        leaders += [fact(ns, Person(ns.name, "执行主席")) for ns in chairs]
    presider = _presider(view, presidium_meeting, so_far.event.value if so_far.event is not None else None)
    if presider:
        out["presider"] = fact(presider)
        leaders.append(fact(presider, Person(presider.name, "主持人")))
    reporter = _work_report(view)
    if reporter:
        out["work_report_by"] = fact(reporter)
        leaders.append(fact(reporter, Person(reporter.name, "政府工作报告人")))
    for rx, role in ((_ROSTRUM_RE, "主席台就座"), (_ATTEND_RE, "出席")):
        for m in rx.finditer(s):
            for ns in _listed_before(s, m.start()):
                leaders.append(fact(ns, Person(ns.name, role)))
    for m in re.finditer(r"(?:在主席台(?:前排)?(?:就座|就坐)|出席(?:会议|大会))的(?:还)?有[:：]?", s):
        end_m = _LIST_END_RE.search(s, m.end())
        end = end_m.start() if end_m else len(s)
        role = "主席台就座" if "主席台" in m.group(0) else "出席"
        for ns in split_names(s[m.end():end], m.end()):
            if ns.name[-1] not in _ORG_END:
                leaders.append(fact(ns, Person(ns.name, role)))
    seen: set[Person] = set()
    uniq = []
    for f in leaders:
        if f.value not in seen:
            seen.add(f.value)
            uniq.append(f)
    out["leaders"] = uniq
    return out
