"""The settings snippet of the README and the install tutorial works as written
in an existing site: apps it already has are not added twice (Django refuses
duplicates), tuples are fine, one statement per line."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def snippet(path: str) -> str:
    text = (ROOT / path).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return next(b for b in blocks if "GOVOPEN_APPS" in b)


@pytest.mark.parametrize("path", ["README.md", "docs/tutorial/install.md"])
def test_snippet_runs_in_a_site_that_already_has_settings_app(path):
    namespace = {
        "INSTALLED_APPS": ("wagtail.contrib.settings", "wagtail", "django.contrib.auth"),
        "MIDDLEWARE": ("django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware"),
    }
    exec(compile(snippet(path), path, "exec"), namespace)
    apps = namespace["INSTALLED_APPS"]
    assert len(apps) == len(set(apps))
    assert {"govopen_wagtail", "wagtail_modeladmin", "simple_history", "captcha"} <= set(apps)
    middleware = namespace["MIDDLEWARE"]
    assert middleware.index("govopen_wagtail.middleware.RequestGuardMiddleware") < middleware.index(
        "django.middleware.csrf.CsrfViewMiddleware")
    assert middleware[-1] == "govopen_wagtail.middleware.RoutingMiddleware"
    assert "LANGUAGE_CODE" not in namespace  # the site keeps its own


@pytest.mark.parametrize("path", ["README.md", "docs/tutorial/install.md"])
def test_snippet_has_one_statement_per_line(path):
    for line in snippet(path).splitlines():
        code = line.split("#")[0]
        assert ";" not in code, line
