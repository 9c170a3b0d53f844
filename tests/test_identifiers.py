import pytest

from govopen_wagtail.identifiers import (
    CreditCodeError,
    IndexNumberFormatError,
    IndexNumberParts,
    credit_code_check_character,
    format_index_number,
    validate_credit_code,
    validate_index_number_format,
)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the worked example of GB 32100-2015
        "11350500003598370M",
        "12350500MB0318276Y",
    ],
)
def test_valid_credit_codes(code):
    assert validate_credit_code(code) == code


def test_credit_code_is_stripped_and_upper_cased():
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    "code, reason",
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("", "length"),
        ("91350100M0001O0Y43", "characters"),  # letter O is never used
        ("91350100M000100Y44", "check"),
        ("11350500003598370X", "check"),
    ],
)
def test_invalid_credit_codes(code, reason):
    with pytest.raises(CreditCodeError) as caught:
        validate_credit_code(code)
    assert caught.value.code == reason


def test_check_character_names_the_expected_value():
    assert credit_code_check_character("11350500003598370") == "M"
    with pytest.raises(CreditCodeError, match="M"):
        validate_credit_code("11350500003598370X")


def test_default_index_number_format():
    parts = IndexNumberParts("11350500003598370M", 2018, 85, 1)
    assert format_index_number("{credit_code}/{year}-{serial:05d}", parts) == "11350500003598370M/2018-00085"


@pytest.mark.parametrize(
    "fmt",
    ["", "{credit_code}/{year}", "{credit_code}/{year}-{serial:05d}-{unknown}", "{serial", "{serial:q}"],
)
def test_unusable_index_number_formats(fmt):
    with pytest.raises(IndexNumberFormatError):
        validate_index_number_format(fmt)


def test_usable_index_number_format():
    validate_index_number_format("{site_id}-{year}-{serial:04d}")
