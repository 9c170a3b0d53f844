import pytest
from django.utils import translation

from govopen_wagtail import docnumber
from govopen_wagtail.docnumber import DocumentNumber, DocumentNumberError


@pytest.mark.parametrize(
    "text",
    ["泉教办〔2018〕85号", "泉政办〔2018〕51号", "宿政务办〔2022〕1号", "泗政务组办〔2022〕2号", "国办公开办函〔2019〕61号"],
)
def test_real_numbers_from_the_seeds_are_already_canonical(text):
    parsed = docnumber.parse(text)
    assert str(parsed) == text
    assert parsed.changed is False


@pytest.mark.parametrize(
    "text, codes",
    [
        ("泉教办[2018]85号", ["brackets"]),
        ("泉教办(2018)85号", ["brackets"]),
        ("泉教办（2018）85号", ["brackets"]),
        ("泉教办【2018】85号", ["brackets"]),
        ("泉教办﹝2018﹞85号", ["brackets"]),
        ("泉教办〔2018〕第85号", ["di_prefix"]),
        ("泉教办〔2018〕085号", ["leading_zero"]),
        ("泉教办〔2018〕85", ["missing_hao"]),
        ("泉政办〔2018〕85 号", ["whitespace"]),
        ("泉教办（２０１８）第００８５号", ["fullwidth_digits", "brackets", "di_prefix", "leading_zero"]),
    ],
)
def test_variants_are_normalised_and_each_change_is_reported(text, codes):
    parsed = docnumber.parse(text)
    assert str(parsed) == "泉教办〔2018〕85号" or str(parsed) == "泉政办〔2018〕85号"
    assert [c.code for c in parsed.changes] == codes
    assert all(c.message for c in parsed.changes)
    assert parsed.original == text


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("泉教办2018年85号", "unreadable"),
        ("〔2018〕85号", "unreadable"),
        ("泉教办〔2018〕号", "unreadable"),
        ("泉教办〔18〕85号", "year_digits"),
        ("泉教办〔1850〕85号", "year_range"),
        ("泉教办〔2018〕0号", "serial_zero"),
        ("泉教12办〔2018〕5号", "issuer"),
        ("泉" * 101, "too_long"),
    ],
)
def test_unreadable_numbers_are_refused_with_a_reason(text, code):
    with pytest.raises(DocumentNumberError) as caught:
        docnumber.parse(text)
    assert caught.value.code == code
    assert caught.value.message


def test_non_text_is_refused():
    with pytest.raises(DocumentNumberError):
        docnumber.parse(2018)


def test_messages_are_translated():
    with translation.override("zh-hans"):
        with pytest.raises(DocumentNumberError) as zh:
            docnumber.parse("泉教办〔18〕85号")
    with translation.override("en"):
        with pytest.raises(DocumentNumberError) as en:
            docnumber.parse("泉教办〔18〕85号")
    assert "四位" in zh.value.message
    assert "four digits" in en.value.message


def test_sorting_is_numeric_by_issuer_year_serial():
    numbers = ["泉教办〔2018〕85号", "泉教办〔2018〕9号", "泉教办〔2017〕100号", "国办发〔2018〕1号", "泉教办[2018]10号"]
    assert sorted(numbers, key=docnumber.sort_key) == [
        "国办发〔2018〕1号",
        "泉教办〔2017〕100号",
        "泉教办〔2018〕9号",
        "泉教办[2018]10号",
        "泉教办〔2018〕85号",
    ]
    assert DocumentNumber("泉教办", 2018, 9) < DocumentNumber("泉教办", 2018, 85)


def test_unreadable_numbers_sort_last():
    assert sorted(["乱码", "泉教办〔2018〕9号"], key=docnumber.sort_key) == ["泉教办〔2018〕9号", "乱码"]


def test_helpers():
    assert docnumber.normalise("泉教办[2018]85号") == "泉教办〔2018〕85号"
    assert docnumber.is_valid("泉教办[2018]85号") is True
    assert docnumber.is_valid("泉教办") is False
    assert docnumber.format_number("泉教办", 2018, 85) == "泉教办〔2018〕85号"
