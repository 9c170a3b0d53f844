import re
from pathlib import Path

import pytest
from django.test import override_settings

from govopen_wagtail.conf import DEFAULTS, govopen_settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "reference" / "settings.md"


def test_defaults_apply_and_settings_are_read_at_call_time():
    assert govopen_settings.ACTIVE_DISCLOSURE_WORKING_DAYS == 20
    with override_settings(GOVOPEN_ACTIVE_DISCLOSURE_WORKING_DAYS=15):
        assert govopen_settings.ACTIVE_DISCLOSURE_WORKING_DAYS == 15
        assert govopen_settings.is_overridden("ACTIVE_DISCLOSURE_WORKING_DAYS")


def test_unknown_setting_is_an_error():
    with pytest.raises(AttributeError):
        govopen_settings.NO_SUCH_THING


def test_every_setting_is_documented():
    documented = set(re.findall(r"^## `GOVOPEN_([A-Z_]+)`", DOC.read_text(encoding="utf-8"), re.M))
    assert documented == set(DEFAULTS)
