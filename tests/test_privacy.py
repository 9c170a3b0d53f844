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


def test_eighteen_digits_with_a_wrong_check_character_are_a_low_confidence_id():
    # A mistyped ID number is still somebody's number.
    wrong = VALID_ID[:17] + "1"
    assert [(f.kind, f.confidence) for f in privacy.find(f"证号{wrong}")] == [("id_number", "low")]
    # Without a real area and date of birth, 18 digits are just a number.
    for number in ["202612240000012345", "990105194912310021", "110105194913310022"]:
        assert privacy.find(f"订单号{number}") == [], number


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


# --- Screening published text (issue 15) ---------------------------------

import pathlib  # noqa: E402

SEEDS = pathlib.Path(__file__).resolve().parent / "data" / "seeds"
CARD = "6222021001115678903"  # passes the Luhn check


def kinds(text, **kw):
    return [(f.kind, f.confidence) for f in privacy.screen(text, **kw)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("身份证号：350502820101123", [("id_number", "high")]),  # the old 15-digit format
        ("编号350502820101123", [("id_number", "low")]),
        ("编号350502821301123", []),  # no 13th month
        (f"工资卡号{CARD}", [("bank_card", "high")]),
        ("卡号6222021001115678902", []),  # fails the Luhn check
        ("护照号码E12345678", [("passport", "high")]),
        ("编号EA1234567", [("passport", "low")]),
        ("往来港澳通行证C12345678", [("travel_permit", "high")]),
        ("家庭电话0595-22345678转123", [("landline", "low")]),
        ("电话（0595）22345678-8001", [("landline", "low")]),
        ("家住泉州市丰泽区东湖路12号3栋502室", [("address", "high")]),
        ("泉州市鲤城区常泰街道某某村5组18号", [("address", "high")]),
        ("住在东湖花园二幢1单元301", [("address", "high")]),
    ],
)
def test_each_detector(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "统一社会信用代码：11350500003601234X",
        "索引号：003601234-0100-2026-00012",
        "泉教办〔2018〕85号",
        "邮政编码：362000",
        "补助金额：123456.78元，2026年12月24日",
        "联系邮箱：jyj@qz.gov.cn",
        "地址：泉州市丰泽区丰泽街361号教育局办公楼301室",
        "泉州市实验小学位于东湖路12号",
        "会议在3楼301室召开",
        "办公室、督导室、教研室",
    ],
)
def test_organisation_details_are_not_personal_data(text):
    assert privacy.screen(text) == []


def test_an_office_number_can_be_allowed():
    text = "咨询电话：0595-22180000，家长电话0595-22345678"
    assert [f.value for f in privacy.screen(text, allow=["0595－22180000"])] == ["0595-22345678"]


def test_address_and_card_masking():
    [address] = privacy.screen("家住泉州市丰泽区东湖路12号3栋502室")
    assert address.value == "泉州市丰泽区东湖路12号3栋502室"
    assert address.masked == "泉州市丰泽区东湖路**号*栋***室"
    [card] = privacy.screen(f"卡号{CARD}")
    assert card.masked == "*" * 15 + CARD[-4:]


def test_every_line_of_the_four_seeds_has_no_finding():
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == 4
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert len(lines) > 400
    assert [(line[:30], privacy.screen(line)) for line in lines if privacy.screen(line)] == []


def test_a_table_of_names_with_an_id_column_is_reported():
    rows = [
        ["序号", "学生姓名", "身份证号", "家庭住址", "资助金额"],
        ["1", "张三", VALID_ID, "东湖路12号3栋502室", "1000"],
        ["2", "李四", "", "", "1000"],
    ]
    items = list(privacy.screen_table(rows))
    cells = [(r, c, f.kind) for r, c, f in (i for i in items if isinstance(i, tuple))]
    assert cells == [(1, 2, "id_number"), (1, 3, "address")]
    columns = [i for i in items if isinstance(i, privacy.TableFinding)]
    assert [(t.kind, t.column, t.header, t.confidence, t.filled, t.names_people) for t in columns] == [
        ("id_number", 2, "身份证号", "high", 1, True),
        ("address", 3, "家庭住址", "high", 1, True),
    ]


def test_a_list_of_award_winners_is_not_a_finding():
    rows = [["姓名", "学校", "获奖等级"], ["张三", "泉州五中", "一等奖"]]
    assert list(privacy.screen_table(rows)) == []


def test_an_empty_sensitive_column_under_no_names_is_not_reported():
    rows = [["项目", "联系电话"], ["资助政策咨询", ""]]
    assert list(privacy.screen_table(rows)) == []
