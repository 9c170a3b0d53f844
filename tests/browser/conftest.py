"""Browser tests: Debian's Chromium driven by Playwright against live_server.

Screenshots go to ``screenshots/`` at the project root for a person to look
at. Without Chromium these tests skip, unless GOVOPEN_REQUIRE_BROWSER=1 (as in
CI), where a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; Django would
# otherwise refuse the test's own ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("GOVOPEN_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: run scripts/system-packages.sh"
        if os.environ.get("GOVOPEN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(live_server, settings):
    # Render inside the example site's layout (header, language switcher).
    settings.GOVOPEN_BASE_TEMPLATE = "demo/base.html"
    call_command("load_demo", "--no-superuser", verbosity=0)
    return live_server


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", **PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def shot():
    SHOTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe():
    """Run axe-core (from npm: scripts/test.sh installs it) on a page and
    return its serious and critical violations, described."""
    if not AXE.exists():
        message = f"{AXE} not found: run npm ci in tests/browser (scripts/test.sh does)"
        if os.environ.get("GOVOPEN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)

    def check(page) -> list[str]:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{v['id']} ({v['impact']}): {v['help']}: " + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check


@pytest.fixture
def staff_login():
    """Log a page in to the admin as a new superuser."""
    from django.contrib.auth import get_user_model

    def login(page, server, username="staff"):
        get_user_model().objects.create_superuser(username, f"{username}@example.invalid", "pw")
        page.goto(server.url + "/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pw")
        page.locator("button[type=submit]").first.click()

    return login
