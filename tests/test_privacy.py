"""govopen_wagtail.privacy: detectors and masking of personal data."""

import pytest

from govopen_wagtail import privacy

VALID_ID = "11010519491231002X"  # GB 11643 example, check character X


def test_id_check_character_matches_the_standard_example():
    assert privacy.id_check_character(VALID_ID[:17]) == "X"


def test_valid_id_number_is_found_and_masked():
    text = f"我的身份证号是{VALID_ID}，请核实。"
    findings = privacy.find(text)
    assert [(f.kind, f.value) for f in findings] == [("id_number", VALID_ID)]
    masked = privacy.mask(text)
    assert VALID_ID not in masked
    assert masked.startswith("我的身份证号是11") and "*" * 16 in masked and masked.endswith("，请核实。")


def test_eighteen_digits_with_a_wrong_check_character_are_not_an_id():
    wrong = VALID_ID[:17] + "1"
    assert privacy.find(f"订单号{wrong}") == []


@pytest.mark.parametrize(
    "text,value",
    [
        ("电话13800138000", "13800138000"),
        ("电话 138-0013-8000 联系", "138-0013-8000"),
        ("电话 +86 13912345678", "13912345678"),
        ("电话１３８００１３８０００", "１３８００１３８０００"),  # full-width digits
    ],
)
def test_mobile_numbers_in_many_forms(text, value):
    findings = privacy.find(text)
    assert [(f.kind, f.value) for f in findings] == [("mobile", value)]
    assert value not in privacy.mask(text)


def test_mobile_masking_keeps_the_prefix_and_end():
    assert privacy.mask("13800138000") == "138******00"


def test_numbers_that_are_not_mobiles_are_left_alone():
    for text in ["2026年12月24日", "文号泉教办〔2018〕85号", "12800138000", "138001380001"]:
        assert privacy.find(text) == [], text


def test_email_and_landline():
    text = "邮箱 zhang.san@example.com，办公电话0595-22180000"
    kinds = [f.kind for f in privacy.find(text)]
    assert kinds == ["email", "landline"]
    masked = privacy.mask(text)
    assert "zhang.san@" not in masked and "z***@example.com" in masked
    assert "22180000" not in masked


def test_id_number_wins_over_the_digits_inside_it():
    # A valid ID contains runs that look like phone numbers: one finding only.
    findings = privacy.find(VALID_ID)
    assert len(findings) == 1 and findings[0].kind == "id_number"


def test_text_without_personal_data_is_unchanged():
    text = "建议第三条增加对农村学校的支持。"
    assert privacy.mask(text) == text
    assert not privacy.contains_personal_data(text)
