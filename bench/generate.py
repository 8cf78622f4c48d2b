"""A deterministic corpus of synthetic session reports with the facts each one states.

`generate(n, seed)` yields `Generated` reports: file name, bytes and the gold-shaped expected
facts (same schema as the dev corpus's gold.jsonl). The same (n, seed) gives byte-identical
files on every machine, and report `i` does not depend on `n` (`generate_one(seed, i)`), so
`generate(n + k)` continues `generate(n)` with k new reports — the bench's "next night".

Shaped like a real archive: the corpus is a set of distinct sittings, not of unrelated
reports. Every region (26 provinces and municipalities, 67 cities, 383 counties, 65 townships)
holds per year one 人大 session and one 政协 session (an opening and a closing sitting each) and
two reported 人大常委会 sittings (townships: the 人大 session only), with term and session numbers that
follow the years. Sessions are drawn without repetition from that space, year by year (a
seeded shuffle within each year, as an archive is crawled), so two reports share a meeting key
only when they report the same session. Per session:

- 人大/政协: both sittings reported 70 %, only the opening 20 %, only the closing 10 %;
  人大常委会: its one sitting (opening or `other`);
- each reported sitting has 1 (55 %), 2 (30 %) or 3 (15 %) reports by different outlets: same
  facts, independent phrasing, year stated or not (inferred across reports), counts, chairs
  and agenda stated or left out;
- each report is reposted with probability 12 % (the same text with a source line and an
  editor tag, another file and maybe another encoding);
- a true conflict is rare: 3 % of sittings with several reports have one report whose present
  (and absent) count differs from the others'.

On average a session has about 2.5 files; the space holds 47,256 sessions (~119,000 files). Reports vary along the structure of the language
rather than copying one template: the meeting-name word order per body, roster / present /
absent cue words and their order, Arabic, spaced and Chinese-numeral counts, chair-list
delimiters and lead-ins, presider phrasings, agenda verbs, key-task lead-ins and separators.
Bodies are padded with neutral review prose to 2-30 KB. They are written as UTF-8, GB18030,
Big5 (traditional), UTF-16 text or UTF-8 HTML; about 3 % of files are invalid (empty, binary,
truncated UTF-8) and about 5 % of sessions state figures that break a validation rule
(present > required, present + absent != roster).

`write_corpus(out, n, seed)` writes the files plus `.manifest.jsonl` (one expected record per
file, `file` relative to `out`).
"""


from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MANIFEST = ".manifest.jsonl"  # hidden: the inbox scan skips it

# Regions by level, as named in meeting names. Provinces and cities from cpca's adcode table
# (each name unique, so a region name means one place); the first counties are the original
# hand-picked ones; townships are not in the table and are recognised by their suffix.
# Every name resolves to its level (tests/test_generator.py) and extracts back as written.
PROVINCES = ("北京市 天津市 河北省 山西省 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 江西省 山东省 河南省 "
             "湖北省 湖南省 广东省 海南省 重庆市 四川省 贵州省 云南省 陕西省 甘肃省 青海省")
CITIES = ("唐山市 承德市 太原市 晋中市 包头市 沈阳市 丹东市 辽阳市 长春市 通化市 鹤岗市 南京市 南通市 宿迁市 嘉兴市 衢州市 "
          "合肥市 淮北市 滁州市 亳州市 莆田市 南平市 九江市 吉安市 济南市 东营市 泰安市 德州市 洛阳市 濮阳市 商丘市 黄石市 "
          "鄂州市 黄冈市 株洲市 岳阳市 怀化市 深圳市 江门市 惠州市 阳江市 潮州市 柳州市 钦州市 贺州市 海口市 成都市 绵阳市 "
          "乐山市 广安市 资阳市 毕节市 玉溪市 普洱市 林芝市 铜川市 延安市 商洛市 天水市 酒泉市 西宁市 固原市 保定市 宜昌市 "
          "赣州市 遵义市 无锡市")
COUNTIES = ("平遥县 沁源县 灵丘县 神池县 蓝田县 彭阳县 盐池县 岚县 朔州市平鲁区 鄂托克旗 "
            "丰台区 昌平区 河北区 武清区 裕华区 高邑县 辛集市 丰南区 玉田县 北戴河区 复兴区 馆陶县 南和区 广宗县 莲池区 高阳县 "
            "博野县 宣化区 尚义县 双滦区 运河区 吴桥县 固安县 冀州区 深州市 晋源区 云冈区 左云县 平顺县 泽州县 太谷区 闻喜县 "
            "河津市 静乐县 偏关县 安泽县 离石区 交口县 托克托县 九原区 元宝山区 敖汉旗 康巴什区 海拉尔区 临河区 化德县 突泉县 多伦县 "
            "沈北新区 西岗区 长海县 新抚区 明山区 古塔区 西市区 细河区 太子河区 银州区 双塔区 龙港区 双阳区 龙潭区 舒兰市 东辽县 "
            "集安市 宁江区 洮南市 和龙市 香坊区 通河县 昂昂溪区 富裕县 恒山区 工农区 岭东区 萨尔图区 林甸县 丰林县 桦南县 桃山区 "
            "林口县 爱辉区 望奎县 安达市 松岭区 静安区 松江区 建邺区 溧水区 新吴区 铜山区 新北区 姑苏区 海门区 赣榆区 清江浦区 "
            "盐都区 东台市 高邮市 句容市 泰兴市 滨江区 钱塘区 北仑区 慈溪市 苍南县 南湖区 吴兴区 上虞区 浦江县 衢江区 椒江区 "
            "温岭市 遂昌县 庐阳区 庐江县 繁昌区 怀远县 凤台县 杜集区 枞阳县 望江县 休宁县 凤阳县 临泉县 砀山县 金寨县 石台县 "
            "宁国市 长乐区 平潭县 同安区 沙县区 泰宁县 惠安县 晋江市 漳浦县 延平区 武夷山市 漳平市 柘荣县 新建区 珠山区 上栗县 "
            "修水县 瑞昌市 贵溪市 崇义县 寻乌县 吉水县 万安县 万载县 高安市 宜黄县 广信区 鄱阳县 天桥区 商河县 即墨区 博山区 "
            "台儿庄区 利津县 蓬莱区 海阳市 青州市 微山县 曲阜市 文登区 兰山区 莒南县 齐河县 阳谷县 阳信县 成武县 惠济区 登封市 "
            "兰考县 新安县 卫东区 汝州市 汤阴县 卫滨区 封丘县 马村区 孟州市 魏都区 卢氏县 淅川县 梁园区 平桥区 川汇区 "
            "太康县 确山县 江岸区 东西湖区 黄石港区 张湾区 西陵区 兴山县 南漳县 东宝区 孝昌县 公安县 黄州区 黄梅县 赤壁市 巴东县 "
            "潜江市 长沙县 渌口区 湘潭县 南岳区 耒阳市 洞口县 云溪区 汨罗市 石门县 赫山区 桂阳县 安仁县 江永县 沅陵县 新化县 "
            "花垣县 越秀区 南沙区 仁化县 福田区 香洲区 潮阳区 三水区 恩平市 徐闻县 高州市 广宁县 龙门县 蕉岭县 龙川县 阳春市 "
            "湘桥区 普宁市 青秀区 马山县 柳北区 象山区 兴安县 万秀区 银海区 钦南区 覃塘区 博白县 德保县 靖西市 宜州区 象州县 "
            "龙州县 海棠区 文昌市 临高县 南岸区 江津区 潼南区 垫江县 青羊区 新都区 蒲江县 自流井区 盐边县 古蔺县 绵竹市 平武县 "
            "青川县 射洪市 五通桥区 峨眉山市 蓬安县 仁寿县 叙州区 广安区 通川区 汉源县 通江县 马尔康市 黑水县 泸定县 新龙县 巴塘县 "
            "普格县 越西县 花溪区 六枝特区 绥阳县 赤水市 金沙县 万山区 兴仁市 安龙县 天柱县 从江县 荔波县 长顺县 西山区 嵩明县 "
            "师宗县 通海县 龙陵县 盐津县 永胜县 楚雄市 永仁县 建水县 文山市 广南县 宾川县 鹤庆县 福贡县 曲水县 拉孜县 定结县 "
            "岗巴县 察雅县 巴宜区 扎囊县 洛扎县 嘉黎县 巴青县 灞桥区 鄠邑区 宜君县 扶风县 三原县 淳化县 潼关县 安塞区 "
            "洛川县 南郑区 横山区 吴堡县 石泉县 旬阳市 柞水县 皋兰县 靖远县 甘谷县 民乐县 灵台县 金塔县 合水县 武都区 康乐县 "
            "舟曲县 湟源县 同仁市 兴海县 久治县 囊谦县 都兰县 贺兰县 泾源县 水磨沟区 高昌区 阜康市 温泉县 和静县 沙雅县 阿克陶县 "
            "英吉沙县 巴楚县 策勒县 奎屯市 尼勒克县 阿勒泰市 吉木乃县")
TOWNSHIPS = ("大营镇 石门乡 新店镇 龙泉镇 古城镇 白沙镇 黄土镇 东关镇 西河乡 南湖乡 北山乡 太平镇 永安乡 长岭镇 青龙镇 红旗乡 杨柳镇 桃园乡 "
            "李庄镇 马坊镇 王家镇 三河镇 五里乡 高桥镇 双河乡 金鸡乡 银坑镇 铜鼓镇 铁炉乡 水口镇 土桥镇 石桥镇 沙河镇 盘石镇 "
            "安乐乡 福田乡 寿安镇 康宁乡 华阳镇 兴隆镇 宝塔乡 花园镇 草坪乡 牛头镇 羊角乡 柳林镇 松树乡 梅花镇 竹林乡 河口镇 "
            "湾里乡 坪上乡 岭南镇 塘下镇 集贤乡 凤凰镇 龙门乡 仙桥镇 官庄镇 新集乡 大坝乡 峡口镇 清泉乡 白马镇 黑石乡")
_PREFIX = {"省": "省", "市": "市", "县": "县", "区": "区", "旗": "旗", "镇": "镇", "乡": "乡"}


def _regions(names: str, level: str) -> tuple[tuple[str, str, str], ...]:
    return tuple((n, level, _PREFIX[n[-1]]) for n in names.split())


# (region as named in the meeting name, level, short prefix used in titles and agencies)
REGIONS: tuple[tuple[str, str, str], ...] = (
    *_regions(PROVINCES, "province"), *_regions(CITIES, "city"), *_regions(COUNTIES, "county"),
    *_regions(TOWNSHIPS, "township"),
)
YEARS = range(2003, 2027)
# News covers plenary sessions far more than standing-committee sittings: two of a year's six.
STANDING_SITTINGS_PER_YEAR = 2
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国志强海燕丽华永福晓东素琴文瑞玉芳振邦承恩立德秀英明辉红梅春生国栋新民卫东俊杰淑珍桂兰宏伟德胜学军玉兰金山"
VENUES = ("人民会堂", "会议中心", "政府礼堂", "人大常委会会议室", "政府二楼会议室", "政协会议厅", "大会堂")
NUMERALS = "零一二三四五六七八九"
TRADITIONAL_OK = ("big5",)

# Agenda reports by body, as (canonical name, phrase in the text).
AGENDA_RENDA = (
    ("国民经济和社会发展计划执行情况与计划草案的报告", "{gov}关于{y0}年国民经济和社会发展计划执行情况与{y1}年国民经济和社会发展计划草案的报告"),
    ("财政预算执行情况与预算草案的报告", "{gov}关于{y0}年财政预算执行情况与{y1}年财政预算草案的报告"),
    ("人大常委会工作报告", "{p}人大常委会工作报告"),
    ("人民法院工作报告", "{p}人民法院工作报告"),
    ("人民检察院工作报告", "{p}人民检察院工作报告"),
)
AGENDA_ZHENGXIE = (
    ("政协常委会工作报告", "政协{p}委员会常务委员会工作报告"),
    ("提案工作情况报告", "常委会关于提案工作情况的报告"),
)
FILLER_SUBJECTS = ("全{p}上下", "各级各部门", "广大干部群众", "{p}委{p}政府", "基层干部")
FILLER_VERBS = ("扎实推进", "持续深化", "统筹抓好", "稳步实施", "大力发展", "认真落实")
FILLER_OBJECTS = ("乡村振兴战略", "生态环境保护", "城市更新行动", "营商环境优化", "民生实事项目", "文旅融合发展",
                  "科技创新体系", "基础设施建设", "教育医疗事业", "社会治理创新", "特色农业产业", "开发区改革")
# Figures a review quotes (never head counts: those are the attendance extractor's).
FILLER_FIGURES = ("完成投资{a}.{b}亿元", "同比增长{b}.{a}%", "新建道路{a}公里", "实施项目{a}项", "建成站点{a}个",
                  "覆盖率达到{b}{b}.{a}%", "累计投入{a}万元", "改造面积{a}.{b}万平方米")
FILLER_RESULTS = ("取得明显成效", "迈出坚实步伐", "呈现良好态势", "得到群众认可", "实现新的突破", "稳中有进")


@dataclass(frozen=True)
class Generated:
    name: str  # file name (relative path in the written corpus)
    data: bytes
    expected: dict[str, Any]  # gold-schema record without `file`


def cn_number(n: int) -> str:
    """0 < n < 10000 as Chinese numerals, the way reports write counts (二百零三)."""
    if n < 10:
        return NUMERALS[n]
    out: list[str] = []
    units = ((1000, "千"), (100, "百"), (10, "十"))
    zero = False
    for value, unit in units:
        digit = n // value % 10
        if digit:
            if zero:
                out.append("零")
                zero = False
            out.append(("" if (value == 10 and n < 20) else NUMERALS[digit]) + unit)
        elif out:
            zero = True
    last = n % 10
    if last:
        if zero:
            out.append("零")
        out.append(NUMERALS[last])
    return "".join(out)


def _ordinal(n: int, rng: random.Random) -> str:
    """届/次 numbers: Chinese numerals mostly, Arabic for large session numbers sometimes."""
    return str(n) if n > 20 and rng.random() < 0.5 else cn_number(n)


def _count(n: int, rng: random.Random, unit: str) -> str:
    form = rng.random()
    if form < 0.6:
        return f"{n}{unit}"
    if form < 0.8:
        return f" {n} {unit}"
    return f"{cn_number(n)}{unit}"


def _names(rng: random.Random, k: int) -> list[str]:
    out: list[str] = []
    while len(out) < k:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in out:
            out.append(name)
    return out


def _filler(rng: random.Random, prefix: str, chars: int) -> list[str]:
    """Neutral review paragraphs: no head counts, names, cue words or enumerations. Each report
    dwells on a few topics of its own and quotes its own figures (amounts, lengths, shares), so
    two outlets' reports of one sitting share their facts, not their prose (shingle resemblance
    well under the repost threshold)."""
    subjects = rng.sample(FILLER_SUBJECTS, 3)
    verbs = rng.sample(FILLER_VERBS, 3)
    objects = rng.sample(FILLER_OBJECTS, 4)
    results = rng.sample(FILLER_RESULTS, 3)
    paras: list[str] = []
    total = 0
    while total < chars:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            figure = rng.choice(FILLER_FIGURES).format(a=rng.randint(2, 999), b=rng.randint(1, 9))
            sentences.append(rng.choice(subjects).format(p=prefix) + rng.choice(verbs) + rng.choice(objects) + "，"
                             + figure + "，" + rng.choice(objects) + rng.choice(results) + "。")
        para = "过去一年，" + "".join(sentences)
        paras.append(para)
        total += len(para)
    return paras


# -- the session space: every (region, year, body, sitting) the corpus can report ---------------

@lru_cache(maxsize=1)
def _space() -> tuple[tuple[int, int, str, int], ...]:
    """(region index, year, body, standing-committee sitting of the year) of every session."""
    out: list[tuple[int, int, str, int]] = []
    for ri, (_, level, _) in enumerate(REGIONS):
        for year in YEARS:
            out.append((ri, year, "人大", 0))
            if level != "township":
                out.append((ri, year, "政协", 0))
                out.extend((ri, year, "人大常委会", k) for k in range(STANDING_SITTINGS_PER_YEAR))
    return tuple(out)


@lru_cache(maxsize=4)
def _order(seed: int) -> tuple[int, ...]:
    """The order a corpus reports sessions in: year by year, as an archive is crawled, in a
    random order within each year; each session once (it repeats only past the end of the
    space, 47,256 sessions or about 119,000 files). So the files after the first n — the
    bench's next night — are sessions of the latest year, as a real nightly batch is."""
    space = _space()
    rng = random.Random(f"{seed}:sessions")
    order: list[int] = []
    for year in YEARS:
        of_year = [i for i, s in enumerate(space) if s[1] == year]
        rng.shuffle(of_year)
        order += of_year
    return tuple(order)


def _where(seed: int, g: int) -> tuple[int, int, str, int]:
    space = _space()
    return space[_order(seed)[g % len(space)]]


def _plan(seed: int, g: int) -> list[tuple[int, int, bool, bool]]:
    """The files of session `g`: (sitting, member, is repost, states a conflicting count)."""
    _, _, body, _ = _where(seed, g)
    rng = random.Random(f"{seed}:session:{g}")
    if body == "人大常委会":
        sittings = [0]
    else:
        r = rng.random()
        sittings = [0, 1] if r < 0.70 else [0] if r < 0.90 else [1]
    out: list[tuple[int, int, bool, bool]] = []
    for e in sittings:
        x = rng.random()
        n = 1 if x < 0.55 else 2 if x < 0.85 else 3
        odd = rng.randrange(1, n) if n > 1 and rng.random() < 0.03 else -1
        for m in range(n):
            out.append((e, m, False, m == odd))
            if rng.random() < 0.12:
                out.append((e, m, True, m == odd))
    return out


def _session(seed: int, g: int) -> dict[str, Any]:
    """What every report of session `g` agrees on, and its sittings (opening, closing, ...)."""
    ri, year, body, k = _where(seed, g)
    region, level, prefix = REGIONS[ri]
    rng = random.Random(f"{seed}:facts:{g}")
    cycle = year - YEARS[0] + ri % 5  # regions elect in different years of a 5-year term
    term = 8 + (ri * 3) % 7 + cycle // 5
    session = cycle % 5 + 1 if body != "人大常委会" else (cycle % 5) * 7 + k + 2
    scope = {"人大": "deputies", "政协": "members", "人大常委会": "standing_committee_members"}[body]
    base = {"township": 60, "county": 200, "city": 450, "province": 700}[level]
    required = rng.randint(base // 2, base) if body != "人大常委会" else rng.randint(20, 60)
    broken = rng.random() < 0.05
    plenary = body in ("人大", "政协")
    work_by = _names(rng, 1)[0] if body == "人大" else None
    tasks = [f"{cn_number(i)}是{rng.choice(FILLER_VERBS)}{rng.choice(FILLER_OBJECTS)}"
             for i in range(1, rng.randint(3, 9) + 1)]
    if body == "人大常委会":
        days = [(rng.choice(("开幕", "other")), 2 * k + 1 + rng.randint(0, 1), rng.randint(1, 28))]
    else:
        month, day = rng.randint(1, 3), rng.randint(1, 24)
        days = [("开幕", month, day), ("闭幕", month, day + rng.randint(2, 4))]
    sittings = []
    for event, month, day in days:
        present = rng.randint(-(-required * 3 // 4), required - 1)
        absent: int | None = required - present
        if broken:
            if rng.random() < 0.5:
                present, absent = required + rng.randint(1, 9), None  # present > required
            else:
                absent += rng.randint(1, 5)  # present + absent != required
        chairs = _names(rng, rng.randint(3, 9)) if plenary and rng.random() < 0.8 else []
        sittings.append({
            "event": event, "month": month, "day": day,
            "hour": rng.choice((8, 9, 9, 14, 15)), "minute": rng.choice((0, 0, 30)),
            "present": present, "absent": absent, "chairs": chairs,
            "presider": chairs[rng.randrange(len(chairs))] if chairs else _names(rng, 1)[0],
        })
    return {"region": region, "level": level, "prefix": prefix, "body": body, "term": term, "session": session,
            "year": year, "attendance_scope": scope, "required": required, "venue": prefix + rng.choice(VENUES),
            "work_by": work_by, "tasks": tasks, "sittings": sittings}


def _meeting_name(rng: random.Random, s: dict[str, Any]) -> str:
    t, n, region = _ordinal(s["term"], rng), _ordinal(s["session"], rng), s["region"]
    if s["body"] == "人大":
        return f"{region}第{t}届人民代表大会第{n}次会议"
    if s["body"] == "政协":
        return f"中国人民政治协商会议{region}第{t}届委员会第{n}次会议" if rng.random() < 0.5 else \
            f"政协{region}第{t}届委员会第{n}次会议"
    return f"{region}第{t}届人民代表大会常务委员会第{n}次会议"


def _attendance(rng: random.Random, body: str, required: int, present: int, absent: int | None
                ) -> tuple[str, dict[str, Any]]:
    """One report's sentence about the sitting's counts, and the counts it states."""
    noun = {"人大": "代表", "政协": "委员", "人大常委会": "常委会组成人员"}[body]
    state_absent = absent is not None and rng.random() < 0.5
    unit = rng.choice(("人", "名"))
    roster_cue = rng.choice(("应出席", "应到", "现有", "实有", "共有"))
    present_cue = rng.choice(("出席", "实到", "实际出席", "到会"))
    absent_cue = rng.choice(("缺席", "请假", "因事因病请假"))
    claimed = rng.random() < 0.8
    quorum = rng.choice(("符合法定人数", "满足法定人数", "出席人数符合法定人数"))
    opener = rng.choice(("本次会议", "会议", "大会"))
    roster = f"{roster_cue}{noun}{_count(required, rng, unit)}"
    pres = f"{present_cue}{_count(present, rng, unit)}"
    parts = [roster, pres]
    if state_absent:
        ab = f"{absent_cue}{_count(absent, rng, unit)}"
        parts = [roster, ab, pres] if rng.random() < 0.3 else [roster, pres, ab]
    sentence = opener + "，".join(parts) + ("，" + quorum if claimed else "") + "。"
    facts = {"required": required, "present": present, "absent": absent if state_absent else None,
             "quorum_claimed": claimed}
    return sentence, facts


def _chairs(rng: random.Random, names: list[str], presider_is_chair: bool) -> tuple[str, str]:
    delim = rng.choice(("、", "，", "、"))
    listed = delim.join(names)
    lead = rng.randrange(3)
    if lead == 0:
        chairs = f"大会执行主席{listed}在主席台前排就座。"
    elif lead == 1:
        chairs = f"担任本次会议执行主席的有：{listed}。"
    else:
        chairs = f"本次会议的执行主席是：{listed}。"
    return chairs, delim


def _presider_sentence(rng: random.Random, who: str) -> str:
    return rng.choice((f"{who}主持会议。", f"会议由{who}主持。", f"大会由{who}主持。"))


def _agenda(rng: random.Random, m: dict[str, Any], year: int, work_by: str | None) -> tuple[list[str], list[str]]:
    """Sentences and canonical names, in order of first mention."""
    gov = f"{m['prefix']}人民政府"
    sentences: list[str] = []
    names: list[str] = []
    if m["body"] == "人大":
        if work_by:
            sentences.append(rng.choice((f"{work_by}代表{gov}向大会作政府工作报告。",
                                         f"{work_by}代表{gov}作政府工作报告。")))
            names.append("政府工作报告")
        picks = [a for a in AGENDA_RENDA if rng.random() < 0.6]
        for canonical, phrase in picks:
            verb = rng.choice(("审查了", "审议了", "书面审查了", "听取和审议了"))
            sentences.append(f"大会还{verb}{phrase.format(gov=gov, y0=year - 1, y1=year, p=m['prefix'])}。")
            names.append(canonical)
    elif m["body"] == "政协":
        picks = [a for a in AGENDA_ZHENGXIE if rng.random() < 0.7]
        for canonical, phrase in picks:
            verb = rng.choice(("听取了", "审议了"))
            sentences.append(f"会议{verb}{phrase.format(p=m['region'])}。")
            names.append(canonical)
    return sentences, names


def _key_tasks(rng: random.Random, items: list[str]) -> str:
    lead = rng.choice(("报告提出，今年重点抓好{n}个方面工作：", "报告指出，今年要重点抓好{n}方面工作：",
                       "报告提出，{y}要着力抓好{n}个方面工作："))
    sep = rng.choice(("；", "。", "，"))
    return lead.format(n=cn_number(len(items)), y="今年") + sep.join(items) + "。"


def _report(rng: random.Random, s: dict[str, Any], sitting: dict[str, Any], odd: bool
            ) -> tuple[str, str, dict[str, Any]]:
    """(title, text, expected facts) of one outlet's report of a sitting of session `s`: the
    sitting's facts, this report's own phrasing and choice of what to state. `odd`: the one
    report of the sitting whose present count is off (a true conflict)."""
    name = _meeting_name(rng, s)
    year, month, day = s["year"], sitting["month"], sitting["day"]
    state_year = rng.random() < 0.8
    date_text = f"{year}年{month}月{day}日" if state_year else f"{month}月{day}日"
    hour, minute = sitting["hour"], sitting["minute"]
    half = "上午" if hour < 12 else "下午"
    clock = f"{half}{hour if hour < 12 else hour - 12}时" + (f"{minute}分" if minute else "")
    state_time = rng.random() < 0.85
    venue = s["venue"]
    present, absent = sitting["present"], sitting["absent"]
    if odd:  # a typo in one outlet's figures: fewer present, the absent count follows
        off = rng.randint(1, 3)
        present, absent = present - off, (absent + off if absent is not None else None)
    attendance, counts = _attendance(rng, s["body"], s["required"], present, absent)
    chair_names = sitting["chairs"] if rng.random() < 0.85 else []
    presider = sitting["presider"]
    work_by = s["work_by"] if s["work_by"] and rng.random() < 0.8 else None
    if work_by in chair_names:
        work_by = None
    event = sitting["event"]
    verb = {"开幕": "开幕", "闭幕": "闭幕", "other": "召开"}[event]
    if event == "other":
        verb = rng.choice(("召开", "举行"))
    title = f"{name}{verb}"
    paras = [f"{date_text}{half}，{name}在{venue}{verb}。"]
    if chair_names:
        chairs, _ = _chairs(rng, chair_names, True)
        paras.append(chairs + _presider_sentence(rng, presider))
    else:
        paras.append(f"{s['prefix']}人大常委会主任{presider}主持会议。" if s["body"] == "人大常委会"
                     else _presider_sentence(rng, presider))
    paras.append(attendance)
    if state_time:
        paras.append(f"{clock}，{presider}宣布会议开幕，全体起立，奏唱国歌。" if event == "开幕"
                     else f"{clock}，会议开始。")
    agenda_sentences, agenda = _agenda(rng, s, year, work_by)
    paras.extend(agenda_sentences)
    key_tasks = len(s["tasks"]) if work_by and rng.random() < 0.6 else None
    if key_tasks:
        paras.append(_key_tasks(rng, s["tasks"]))
    # UTF-8 size in KB, skewed small like real archives (mean about 6.5 KB, up to 30 KB).
    target = int(rng.choice((2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8, 10, 16, 30)) * 1024 * rng.uniform(0.85, 1.0) / 3)
    used = sum(len(p) for p in paras) + len(title)
    filler = _filler(rng, s["prefix"], max(0, target - used - 40))
    paras[2:2] = filler[: len(filler) // 2]
    paras.extend(filler[len(filler) // 2:])
    paras.append(f"（编辑：{_names(rng, 1)[0]}）")
    text = title + "\n\n" + "\n\n".join(paras) + "\n"
    expected = {
        "is_meeting_report": True,
        "meeting_name": name,
        "region": s["region"],
        "level": s["level"],
        "body": s["body"],
        "term": s["term"],
        "session": s["session"],
        "event": event,
        "date": f"{year:04d}-{month:02d}-{day:02d}" if state_year else f"{month:02d}-{day:02d}",
        "time": f"{hour:02d}:{minute:02d}" if state_time else None,
        "venue": venue,
        **counts,
        "attendance_scope": s["attendance_scope"],
        "executive_chairs": chair_names or None,
        "presider": presider,
        "work_report_by": work_by,
        "agenda_items": agenda or None,
        "key_tasks": key_tasks,
    }
    expected["expected_violations"] = expected_violations(expected)
    return title, text, expected


OUTLETS = ("人民网", "新华网", "中国人大网", "人民政协网", "新闻网", "融媒体中心", "日报社", "电视台")


def _repost(rng: random.Random, s: dict[str, Any], text: str) -> str:
    """The same report as another site carries it: a source line and an editor tag."""
    source = rng.choice(OUTLETS)
    if not source.startswith(("人民", "新华", "中国")):
        source = s["region"] + source
    return f"来源：{source}\n{text}责任编辑：{_names(rng, 1)[0]}\n"


# -- the layout: which file index reports which session -----------------------------------------

BLOCK = 1000  # files per layout block (and per folder of write_corpus)
INVALID_SHARE = 0.03


def _is_invalid(seed: int, i: int) -> bool:
    return random.Random(f"{seed}:{i}").random() < INVALID_SHARE


def _fill(seed: int, b: int, first: int) -> tuple[tuple[tuple[Any, ...], ...], int]:
    """Block `b`'s files, sessions numbered from `first`: ("invalid",) or ("report", session,
    sitting, member, repost, odd); and the next free session number. A block holds whole
    sessions, except that the last one loses the files that do not fit."""
    invalid = [_is_invalid(seed, i) for i in range(b * BLOCK, (b + 1) * BLOCK)]
    want = BLOCK - sum(invalid)
    reports: list[tuple[Any, ...]] = []
    g = first
    while len(reports) < want:
        reports += [("report", g, *f) for f in _plan(seed, g)]
        g += 1
    it = iter(reports[:want])
    return tuple(("invalid",) if bad else next(it) for bad in invalid), g


_FIRST_SESSION: dict[int, list[int]] = {}


def _block(seed: int, b: int) -> tuple[tuple[Any, ...], ...]:
    firsts = _FIRST_SESSION.setdefault(seed, [0])
    while len(firsts) <= b:  # blocks are laid out in order once; then any block is at hand
        firsts.append(_filled(seed, len(firsts) - 1, firsts[-1])[1])
    return _filled(seed, b, firsts[b])[0]


@lru_cache(maxsize=64)
def _filled(seed: int, b: int, first: int) -> tuple[tuple[tuple[Any, ...], ...], int]:
    return _fill(seed, b, first)


def _slot(seed: int, i: int) -> tuple[Any, ...]:
    return _block(seed, i // BLOCK)[i % BLOCK]


@lru_cache(maxsize=4096)
def _session_cached(seed: int, g: int) -> dict[str, Any]:
    return _session(seed, g)


def _text_of(seed: int, slot: tuple[Any, ...], rng: random.Random) -> tuple[str, str, dict[str, Any]]:
    """(title, text, expected) of a report slot; `rng` is the file's own (repost decorations)."""
    _, g, e, m, repost, odd = slot
    s = _session_cached(seed, g)
    title, text, expected = _report(random.Random(f"{seed}:report:{g}:{e}:{m}"), s, s["sittings"][e], odd)
    if repost:
        text = _repost(rng, s, text)
    return title, text, expected


def expected_violations(r: dict[str, Any]) -> list[str]:
    """The corpus README's rules computed from the expected facts (rule order of the suite)."""
    out: list[str] = []
    req, pre, ab = r.get("required"), r.get("present"), r.get("absent")
    if req is not None and pre is not None and pre > req:
        out.append("present_le_required")
    if None not in (req, pre, ab) and pre + ab != req:
        out.append("present_plus_absent_eq_required")
    quorum_ok = None
    if req is not None and pre is not None:
        if r.get("attendance_scope") in ("deputies", "members"):
            quorum_ok = pre * 3 >= req * 2
            if not quorum_ok:
                out.append("quorum_two_thirds")
        elif r.get("attendance_scope") in ("standing_committee_members", "presidium"):
            quorum_ok = pre * 2 > req
            if not quorum_ok:
                out.append("quorum_majority")
    if r.get("quorum_claimed") and quorum_ok is False:
        out.append("quorum_claim_consistent")
    chairs = r.get("executive_chairs")
    if chairs and r.get("presider") and r["presider"] not in chairs:
        out.append("presider_in_chairs")
    return out


_NOT_A_REPORT = {"is_meeting_report": False, "expected_violations": ["unreadable"]}


def generate_text(seed: int, i: int) -> str | None:
    """The text report `i` was encoded from (None for the invalid ones): what the jieba floor
    of `congress-etl bench` segments."""
    slot = _slot(seed, i)
    if slot[0] == "invalid":
        return None
    rng = random.Random(f"{seed}:{i}")
    rng.random()
    return _text_of(seed, slot, rng)[1]


def _invalid(rng: random.Random) -> tuple[str, bytes, dict[str, Any]]:
    kind = rng.randrange(3)
    if kind == 0:
        return "txt", b"", dict(_NOT_A_REPORT)
    if kind == 1:
        return "txt", bytes(rng.randrange(256) for _ in range(rng.randint(2048, 4096))), dict(_NOT_A_REPORT)
    return "txt", None, {}  # truncated: filled in by the caller from a real report


def _html(title: str, text: str, expected: dict[str, Any]) -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in text.split("\n\n")[1:] if p.strip())
    stamp = expected["date"] if len(expected["date"]) == 10 else None
    meta = f'<meta property="article:published_time" content="{stamp}T10:00:00+08:00">' if stamp else ""
    page = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title>{meta}</head>\n'
            f'<body><div class="nav"><a href="/">首页</a> <a href="/news">新闻</a></div>\n'
            f'<article><h1>{title}</h1>\n{body}</article>\n'
            f'<div class="footer">版权所有 主办单位：人大常委会办公室</div></body></html>\n')
    return page.encode("utf-8")


_CONVERTER = None


def _traditional(text: str) -> str:
    global _CONVERTER
    if _CONVERTER is None:
        import opencc

        _CONVERTER = opencc.OpenCC("s2tw")  # Taiwan forms (群, 眾) are the ones Big5 has
    return _CONVERTER.convert(text)


def _encode(rng: random.Random, title: str, text: str, expected: dict[str, Any]) -> tuple[str, bytes, str]:
    pick = rng.random()
    if pick < 0.55:
        return "txt", text.encode("utf-8"), "utf-8"
    if pick < 0.70:
        return "txt", text.encode("gb18030"), "gb18030"
    if pick < 0.78:
        try:
            return "txt", _traditional(text).encode("big5"), "big5"
        except UnicodeEncodeError:  # a character Big5 lacks: fall back, still deterministic
            return "txt", text.encode("gb18030"), "gb18030"
    if pick < 0.85:
        return "txt", text.encode("utf-16"), "utf-16"
    return "html", _html(title, text, expected), "utf-8"


def generate_one(seed: int, i: int) -> Generated:
    """Report number `i` of the corpus with this seed."""
    rng = random.Random(f"{seed}:{i}")
    rng.random()  # the draw that made it invalid or not (_is_invalid)
    slot = _slot(seed, i)
    if slot[0] == "invalid":
        ext, data, expected = _invalid(rng)
        if data is None:  # truncated UTF-8: a real report cut inside a character
            g = rng.randrange(len(_space()))
            s = _session(seed + 7919, g)
            _, text, expected = _report(rng, s, s["sittings"][0], False)
            raw = text.encode("utf-8")
            cut = len(raw) // 2
            while raw[cut] < 0xC0:  # stop on the lead byte of a multi-byte character
                cut += 1
            data = raw[: cut + 1]
            expected = {**{k: None for k in expected}, "is_meeting_report": None,
                        "expected_violations": ["unreadable"], "truncated": True}
        return Generated(f"{i:07d}_invalid.{ext}", data, expected)
    title, text, expected = _text_of(seed, slot, rng)
    if slot[4]:  # a repost: plain text, as sites that copy carry it
        encoding = rng.choice(("utf-8", "utf-8", "gb18030"))
        ext, data = "txt", text.encode(encoding)
    else:
        ext, data, encoding = _encode(rng, title, text, expected)
    kind = "repost" if slot[4] else expected["body"]
    return Generated(f"{i:07d}_{kind}_{encoding}.{ext}", data, {**expected, "encoding": encoding})


def generate(n: int, seed: int = 0, start: int = 0) -> Iterator[Generated]:
    """Reports start .. start + n - 1 (start > 0: the files that follow a corpus of `start`)."""
    for i in range(start, start + n):
        yield generate_one(seed, i)


def write_corpus(out: Path | str, n: int, seed: int = 0, per_dir: int = 1000, start: int = 0) -> Path:
    """Write reports start .. start + n - 1 (in subfolders of `per_dir` files, numbered by
    report) and `manifest.jsonl` under `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / MANIFEST).open("w", encoding="utf-8") as manifest:
        for i, g in enumerate(generate(n, seed, start), start=start):
            rel = f"{i // per_dir:04d}/{g.name}"
            path = out / rel
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(g.data)
            manifest.write(json.dumps({"file": rel, **g.expected}, ensure_ascii=False) + "\n")
    return out


def read_manifest(out: Path | str) -> list[dict[str, Any]]:
    with (Path(out) / MANIFEST).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def ensure_corpus(out: Path | str, n: int, seed: int = 0, start: int = 0) -> Path:
    """The corpus of reports start .. start + n - 1 for `seed` at `out`, written unless a complete
    one is already there (generating 100,000 reports takes minutes; a bench rerun reuses them)."""
    out = Path(out)
    stamp = out / ".complete"
    want = f"n={n} seed={seed} per_dir=1000\n" + (f"start={start}\n" if start else "")
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == want:
        return out
    if out.exists():
        import shutil

        shutil.rmtree(out)
    write_corpus(out, n, seed, start=start)
    stamp.write_text(want, encoding="utf-8")
    return out
