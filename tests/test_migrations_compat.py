"""Migrations run on Wagtail 7.4 LTS and 8.x alike: no dependency on a
migration or a setting only Wagtail 8 has (makemigrations on 8 writes both)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = sorted(
    [*ROOT.glob("govopen_wagtail/migrations/0*.py"), *ROOT.glob("example_site/demo/migrations/0*.py"),
     *ROOT.glob("tests/testapp/migrations/0*.py")]
)
#: The newest wagtailcore migration Wagtail 7.4 has.
LATEST_LTS = 97


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_migration_runs_on_wagtail_lts(path):
    text = path.read_text(encoding="utf-8")
    for number in re.findall(r"\('wagtailcore', '(\d{4})_", text):
        assert int(number) <= LATEST_LTS, f"{path.name} depends on wagtailcore {number} (Wagtail 8 only)"
    assert "settings.WAGTAIL_PAGE_MODEL" not in text, (
        f"{path.name} reads settings.WAGTAIL_PAGE_MODEL, which Wagtail 7.4 lacks: use "
        'PAGE_MODEL = getattr(settings, "WAGTAIL_PAGE_MODEL", "wagtailcore.Page")'
    )
