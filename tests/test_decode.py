"""decode(bytes, name) → Document: formats by sniffing, encodings, precise defects, never raises."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.decode import _join_wraps, decode
from tests.hostile_files import pdf_bytes

SENTENCE = "2021年2月3日上午，隰县第十七届人民代表大会第四次会议在县会议中心开幕。应到代表150名，实到142名，符合法定人数。"
TRAD = "中國人民政治協商會議福建省第十一屆委員會第三次會議今天上午在福建會堂閉幕。應到會委員597人，實際到會553人。"
TRAD_CLEAN = "中国人民政治协商会议福建省第十一届委员会第三次会议今天上午在福建会堂闭幕。应到会委员597人,实际到会553人。"


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    "encoding, label",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),  # with BOM, native order
        ("utf-16-le", "utf-16-le"),  # BOM-less ASCII-heavy text is recognised by its NULs
    ],
)
def test_text_encodings(encoding: str, label: str) -> None:
    text = SENTENCE if encoding != "utf-16-le" else "Report 2021: " + SENTENCE + " (Xinhua) " * 4
    doc = decode(text.encode(encoding), "report.txt")
    assert doc.readable and doc.format == "txt"
    assert doc.text == text
    assert doc.encoding == label


def test_utf16_with_explicit_boms() -> None:
    for bom, enc, label in ((b"\xff\xfe", "utf-16-le", "utf-16"), (b"\xfe\xff", "utf-16-be", "utf-16")):
        doc = decode(bom + SENTENCE.encode(enc), "a.txt")
        assert doc.text == SENTENCE and doc.encoding == label and doc.readable


def test_gb18030_four_byte_character_where_gbk_fails() -> None:
    text = "政协委员王𠀀明、刘䶮出席会议。" + SENTENCE
    data = text.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    doc = decode(data, "x.txt")
    assert doc.text == text and doc.encoding == "gb18030" and doc.readable


def test_big5_traditional_is_simplified_in_clean() -> None:
    doc = decode(TRAD.encode("big5"), "fujian.txt")
    assert doc.encoding == "big5" and doc.readable
    assert doc.text == TRAD
    assert doc.clean == TRAD_CLEAN


def test_crlf_kept_in_text_dropped_in_clean() -> None:
    text = "标题\r\n\r\n" + SENTENCE + "\r\n"
    doc = decode(text.encode("utf-8"), "a.txt")
    assert doc.text == text
    assert "\r" not in doc.clean and doc.clean.startswith("标题\n\n")


def test_latin1_looking_utf8_is_not_legacy() -> None:
    # valid UTF-8 is always UTF-8, even if a legacy code page would also "decode" it
    text = "Café 会议 – résumé"
    assert decode(text.encode("utf-8")).encoding == "utf-8"


_PHRASES = [
    "人民代表大会", "第十七届", "第四次会议", "在县会议中心", "隆重开幕", "应到代表", "实到代表", "符合法定人数",
    "执行主席", "主持会议", "政府工作报告", "审查了", "财政预算执行情况", "上午9时", "全体起立", "奏唱国歌",
    "，", "。", "、", "150名", "2021年",
]
_TRAD_PHRASES = [
    "人民代表大會", "第十一屆", "第三次會議", "在福建會堂", "勝利閉幕", "應到會委員", "實際到會", "符合政協章程規定",
    "執行主席", "主持會議", "政府工作報告", "審議通過了", "提案審查情況的報告", "上午9時", "全體起立", "奏唱國歌",
    "，", "。", "、",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(_PHRASES), min_size=6, max_size=30).map("".join),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-be"]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_roundtrip_simplified(body: str, encoding: str, eol: str) -> None:
    text = "县人大会议开幕" + eol + body + eol
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    doc = decode(data, "r.txt")
    assert doc.readable, doc.defects
    assert doc.text == text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_TRAD_PHRASES), min_size=6, max_size=30).map("".join))
def test_roundtrip_big5(body: str) -> None:
    text = "省政協會議閉幕\n" + body
    doc = decode(text.encode("big5"), "r.txt")
    assert doc.readable, doc.defects
    assert doc.text == text and doc.encoding == "big5"


# ------------------------------------------------------------------ defects


def test_empty_and_blank() -> None:
    assert decode(b"", "a.txt").defects == ("empty file (0 bytes)",)
    blank = decode(b" \r\n\t\n", "a.txt")
    assert blank.text == "" and "blank" in blank.defects[0]
    assert decode("\u3000\u3000\n".encode("utf-8")).defects  # ideographic spaces only


@pytest.mark.parametrize(
    "data, needle",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "JPEG image"),
        (b"GIF89a\x01\x00\x01\x00" + bytes(50), "GIF image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "OLE2"),
        (b"\x1f\x8b\x08\x00" + bytes(50), "gzip"),
        (bytes(range(256)) * 4, "NUL byte"),
    ],
)
def test_binary_content_named(data: bytes, needle: str) -> None:
    doc = decode(data, "042_report.txt")
    assert doc.text == "" and not doc.readable
    assert needle in doc.defects[0] and "binary content" in doc.defects[0]
    assert "in a .txt file" in doc.defects[0]


def test_control_character_soup_is_binary() -> None:
    data = bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17]) * 20 + "会议".encode()
    doc = decode(data, "a.txt")
    assert not doc.readable and "non-printable" in doc.defects[0]


def test_zip_that_is_not_docx() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "会议")
    doc = decode(buf.getvalue(), "report.txt")
    assert doc.defects == ("binary content (ZIP archive) in a .txt file",)


def test_truncated_mid_character_keeps_prefix() -> None:
    data = SENTENCE.encode("utf-8")
    cut = data[:-2]  # the final "。" is 3 bytes; keep one of them... and one more
    doc = decode(cut, "043.txt")
    assert doc.text == SENTENCE[:-1]
    assert len(doc.defects) == 1
    msg = doc.defects[0]
    assert f"at byte {len(cut) - 1} of {len(cut)}" in msg and "truncated mid-character" in msg
    assert "应到代表150名" in doc.clean  # facts from the prefix remain readable


def test_invalid_bytes_in_the_middle_are_located() -> None:
    head = SENTENCE.encode("utf-8")
    data = head + b"\xff\xfe\xff" + head
    doc = decode(data, "a.txt")
    assert doc.encoding == "utf-8"  # a few bad bytes do not make a UTF-8 file GBK
    assert f"at byte {len(head)} of {len(data)}" in doc.defects[0]
    assert doc.text.startswith(SENTENCE) and doc.text.endswith(SENTENCE)


def test_truncated_gb18030_is_located() -> None:
    data = ("县政协九届五次会议隆重开幕。" + SENTENCE).encode("gb18030")[:-1]
    doc = decode(data, "a.txt")
    assert doc.encoding == "gb18030"
    assert "GB18030" in doc.defects[0] and f"of {len(data)}" in doc.defects[0]
    assert doc.text.startswith("县政协九届五次会议隆重开幕")


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.txt", "b.html", "c.docx", "d.pdf", ""]))
def test_never_raises(data: bytes, name: str) -> None:
    doc = decode(data, name)
    assert isinstance(doc.text, str)
    assert len(doc.clean_to_text) == len(doc.clean) + 1
    if doc.defects:
        assert all(isinstance(d, str) and d for d in doc.defects)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>", b"\xff\xfe", b"\xef\xbb\xbf"]), st.binary(max_size=200))
def test_never_raises_on_broken_containers(prefix: bytes, rest: bytes) -> None:
    doc = decode(prefix + rest, "x")
    # A broken container is either read as text or its defects say why it was not.
    assert doc.defects or doc.text.strip(), (prefix + rest)[:40]
    assert all(isinstance(d, str) and d for d in doc.defects)
    assert len(doc.clean_to_text) == len(doc.clean) + 1


# ------------------------------------------------------------------ HTML

_HTML = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>县十七届人大四次会议隆重开幕_本地新闻_某某网</title>
<meta property="article:published_time" content="2021-02-04T08:00:00+08:00">
<script>var x = "应到代表999名";</script>
</head><body>
<div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/gov">政务</a> | <a href="/x">专题</a></div>
<div class="ad"><a href="/ad">广告：楼盘火热销售中</a></div>
<div class="main"><h1>县十七届人大四次会议隆重开幕</h1>
<div class="content">
<p>　　2月3日上午，隰县第十七届人民代表大会第四次会议在县会议中心隆重开幕。来自全县各条战线的人大代表肩负全县人民的重托，出席了本次会议。</p>
<p>　　大会执行主席张建国、李红梅、王立新在主席台前排就座。会议由张建国主持。</p>
<p>　　大会应到代表150名，实到142名，符合法定人数。</p>
<p>　　县长刘志强代表县人民政府向大会作政府工作报告，报告回顾了过去一年的工作，提出了今年的目标任务。</p>
</div></div>
<div class="footer">版权所有 某某网 ICP备00000000号</div>
</body></html>"""


def test_html_gbk_declared_in_meta() -> None:
    doc = decode(_HTML.encode("gbk"), "page.html")
    assert doc.format == "html" and doc.readable and doc.encoding == "gb18030"
    assert doc.title == "县十七届人大四次会议隆重开幕"
    assert doc.published_at == "2021-02-04"
    for para in ("隰县第十七届人民代表大会第四次会议", "大会执行主席张建国、李红梅、王立新", "应到代表150名，实到142名", "刘志强代表县人民政府"):
        assert para in doc.text
    for junk in ("首页", "楼盘", "999", "ICP", "<p>", "var x"):
        assert junk not in doc.text
    # the page's own date is available to extractors as a stamp line in the text
    assert "发布时间：2021-02-04" in doc.text
    assert doc.text.splitlines()[0] == "县十七届人大四次会议隆重开幕"


def test_html_sniffed_despite_txt_name_and_layout_table() -> None:
    page = (
        "<html><head><meta charset='utf-8'><meta name='pubdate' content='2018/01/29'></head><body>"
        "<table><tr><td><h2>甘肃省第十三届人民代表大会第一次会议胜利闭幕</h2>"
        "<p>1月29日下午，甘肃省第十三届人民代表大会第一次会议在兰州胜利闭幕，会议完成了各项议程。</p>"
        "<p>闭幕大会应到代表508名，实到479名，符合法定人数。大会执行主席马俊峰主持闭幕大会。</p>"
        "</td></tr></table></body></html>"
    )
    doc = decode(page.encode("utf-8"), "005.txt")
    assert doc.format == "html" and doc.published_at == "2018-01-29"
    assert "应到代表508名，实到479名" in doc.text
    assert "|" not in doc.text  # the layout table is not flattened into a table row


def test_html_declared_charset_that_lies_falls_back_to_sniffing() -> None:
    page = "<html><head><meta charset='gbk'><title>会议</title></head><body><p>" + SENTENCE * 3 + "</p></body></html>"
    doc = decode(page.encode("utf-8"), "x.html")
    assert SENTENCE in doc.text and doc.encoding == "utf-8"


def test_html_in_utf16_is_sniffed() -> None:
    page = "<html><head><title>县人大会议开幕</title></head><body><p>" + SENTENCE * 2 + "</p></body></html>"
    doc = decode(page.encode("utf-16"), "x.txt")
    assert doc.format == "html" and doc.encoding == "utf-16" and SENTENCE in doc.text


# ------------------------------------------------------------------ DOCX


def _docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None, title: str = "") -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables() -> None:
    paras = ["宜昌市第七届人民代表大会第五次会议胜利闭幕", SENTENCE, "大会执行主席杨海波主持闭幕大会。"]
    data = _docx_bytes(paras, table=[["应到", "实到"], ["486", "455"]], title="闭幕")
    for name in ("report.docx", "report.txt", "noext"):
        doc = decode(data, name)
        assert doc.format == "docx" and doc.readable and doc.title == "闭幕"
        assert doc.text == "\n".join(paras + ["应到\t实到", "486\t455"])


def test_empty_docx_and_corrupt_docx() -> None:
    assert "without text" in decode(_docx_bytes([]), "a.docx").defects[0]
    data = _docx_bytes(["会议"])
    broken = data[: len(data) // 2]
    doc = decode(broken, "a.docx")
    assert not doc.readable and doc.defects


# ------------------------------------------------------------------ PDF


def _pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with a Helvetica text layer (ASCII only)."""
    return pdf_bytes([lines])


def test_pdf_text_layer_and_wrapped_lines() -> None:
    lines = [
        "Session opens",
        "The county people's congress opened its fourth session in the county",
        "meeting centre this morning with one hundred and fifty deputies due to",
        "attend and one hundred and forty two present, forming a quorum today.",
        "Chair: Zhang.",
    ]
    doc = decode(_pdf_bytes(lines), "report.txt")  # sniffed, not trusted by name
    assert doc.format == "pdf" and doc.readable
    assert doc.text.splitlines()[0] == "Session opens"
    assert "in the county meeting centre" in doc.text and "due to attend" in doc.text
    assert doc.text.splitlines()[-1] == "Chair: Zhang."


def test_pdf_without_text_layer() -> None:
    doc = decode(_pdf_bytes([]), "scan.pdf")
    assert not doc.readable and "without a text layer" in doc.defects[0]


def test_join_wraps_cjk() -> None:
    raw = (
        "晋城市第七届人民代表大会第三次会议开幕\n"
        "市长常晓峰代表市人民政府向大会作政府工作报告。报告共分三个部分：一、\n"
        "2021年工作回顾；二、2022年工作安排；三、加强政府自身建设。大会还审查了\n"
        "晋城市2021年国民经济和社会发展计划执行情况与2022年计划草案的报告，审查\n"
        "了财政预算的报告。\n"
        "市委领导同志在主席台就座。\n"
    )
    out = _join_wraps(raw)
    assert "一、2021年工作回顾" in out and "还审查了晋城市" in out and "审查了财政" in out
    assert out.splitlines() == [
        "晋城市第七届人民代表大会第三次会议开幕",
        "市长常晓峰代表市人民政府向大会作政府工作报告。报告共分三个部分：一、2021年工作回顾；二、2022年工作安排；三、加强政府自身建设。"
        "大会还审查了晋城市2021年国民经济和社会发展计划执行情况与2022年计划草案的报告，审查了财政预算的报告。",
        "市委领导同志在主席台就座。",
    ]


# ------------------------------------------------------------------ corpus


def _gold(corpus_dir):
    with open(corpus_dir / "gold.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_corpus_every_file_decodes(corpus_dir) -> None:
    expected_enc = {"002": "gb18030", "006": "big5", "008": "utf-8-sig", "013": "utf-16", "014": "gb18030",
                    "017": "utf-8-sig", "020": "gb18030", "005": "gb18030"}
    for line in _gold(corpus_dir):
        path = corpus_dir / line["file"]
        doc = decode(path.read_bytes(), path.name)
        key = path.name[:3]
        if key in ("041", "042"):
            assert doc.defects and doc.text == "", key
            continue
        if key == "043":
            assert len(doc.defects) == 1 and "truncated" in doc.defects[0]
            assert doc.clean.strip() and line["meeting_name"] in doc.clean
            continue
        assert doc.readable, (key, doc.defects)
        if key in expected_enc:
            assert doc.encoding == expected_enc[key], key
        # decoding is right when the gold's written-out facts are findable in the clean text
        for field in ("meeting_name", "presider", "venue", "work_report_by"):
            value = line.get(field)
            if value and field != "meeting_name":
                assert value in doc.clean, (key, field, value)
        for name in line.get("executive_chairs") or []:
            assert name in doc.clean, (key, name)


def test_corpus_specific_formats(corpus_dir) -> None:
    reports = corpus_dir / "reports"
    seed = (reports / "000_pinglu_opening.txt").read_bytes()
    assert decode(seed, "000_pinglu_opening.txt").text == seed.decode("utf-8")
    png = decode((reports / "042_datong_zhengxie_bimu.txt").read_bytes(), "042_datong_zhengxie_bimu.txt")
    assert png.defects == ("binary content (PNG image signature) in a .txt file",)
    assert decode(b"", "041.txt").defects == ("empty file (0 bytes)",)

    hebei = decode((reports / "004_hebei_renda_kaimu.html").read_bytes(), "004.html")
    assert hebei.published_at == "2013-01-12" and hebei.format == "html"
    for needle in ("担任本次全体会议执行主席的有：", "实有代表768名，今天到会代表731名", "上午9时", "七是加强政府自身建设"):
        assert needle in hebei.text
    assert "首页" not in hebei.text and "Copyright" not in hebei.text

    gansu = decode((reports / "005_gansu_renda_bimu.html").read_bytes(), "005.html")
    assert gansu.encoding == "gb18030"
    assert "闭幕大会应到代表508名，实到479名" in gansu.text and "ICP" not in gansu.text

    pdf = decode((reports / "025_jincheng_renda_kaimu.pdf").read_bytes(), "025.pdf")
    assert pdf.format == "pdf" and "一、2021年工作回顾" in pdf.text and "计划草案的报告" in pdf.text
    assert pdf.text.splitlines()[0] == "晋城市第七届人民代表大会第三次会议开幕"

    word = decode((reports / "010_yichang_renda_bimu.docx").read_bytes(), "010.docx")
    assert word.format == "docx" and "本次会议的执行主席是：杨海波" in word.text

    big5 = decode((reports / "006_fujian_zhengxie_bimu.txt").read_bytes(), "006.txt")
    assert "應到會委員597人" in big5.text and "应到会委员597人" in big5.clean


def test_corpus_is_fast(corpus_dir) -> None:
    import time

    files = sorted((corpus_dir / "reports").iterdir())
    start = time.perf_counter()
    for path in files:
        decode(path.read_bytes(), path.name)
    assert time.perf_counter() - start < 10


def test_html_extraction_settings_built_once_extract_like_the_keyword_form(cases_dir) -> None:
    """`decode` hands trafilatura two settings objects built once per process; on every HTML page
    of the fixtures (twice, so nothing carries over between pages) they extract what
    `trafilatura.extract(**keywords)` extracts with the same settings."""
    import copy

    import lxml.html
    import trafilatura

    from transforms.decode import _extractors

    keywords = dict(include_comments=False, include_tables=True, include_images=False, include_links=False,
                    deduplicate=False, with_metadata=False)
    balanced, recall = _extractors()
    pages = [p for p in sorted(cases_dir.rglob("*")) if p.suffix in (".html", ".htm")]
    assert len(pages) >= 10
    for _ in range(2):
        for page in pages:
            tree = lxml.html.document_fromstring(page.read_bytes())
            for options, extra in ((balanced, {}), (recall, {"favor_recall": True})):
                shared = trafilatura.extract(copy.deepcopy(tree), options=options)
                assert shared == trafilatura.extract(copy.deepcopy(tree), **keywords, **extra), page.name


def test_gb18030_short_cut_makes_detections_choice(corpus_dir, cases_dir) -> None:
    """`_only_gb18030` skips charset_normalizer only where detection would choose GB18030 anyway:
    on every legacy-encoded file of the dev corpus and the fixtures, and on 400 generated reports
    encoded as GB18030 and as Big5, a file it takes decodes to the same codec and text through
    detection; Big5 files never take it."""
    from bench.generate import _traditional, generate_text
    from transforms.decode import _detected, _only_gb18030

    def legacy(data: bytes) -> bool:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"))
        return False

    files = [(p.name, p.read_bytes()) for d in (corpus_dir / "reports", cases_dir)
             for p in sorted(d.rglob("*")) if p.is_file() and p.suffix == ".txt"]
    texts = [t for t in (generate_text(7, i) for i in range(200)) if t]
    gb = [(f"g{i}.txt", t.encode("gb18030")) for i, t in enumerate(texts)]
    big5 = [(f"b{i}.txt", _traditional(t).encode("big5", errors="ignore")) for i, t in enumerate(texts)]
    taken = 0
    for name, data in [(n, d) for n, d in files if legacy(d)] + gb + big5:
        text = _only_gb18030(data)
        if text is None:
            continue
        taken += 1
        detected = _detected(data, name)
        assert (detected.encoding, detected.text) == ("gb18030", text), name
    assert taken >= 150  # the short cut is the common case for GB18030 files
    assert all(_only_gb18030(data) is None for _, data in big5)
