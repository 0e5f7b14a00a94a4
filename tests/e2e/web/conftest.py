"""The web pages in a real headless browser (Debian's Chromium) against the local cloud that `make run` starts.

Every page a test visits can be kept as a screenshot (`shoot`), in `.hotline/screenshots/` (the CI's artefacts);
`accessible` runs axe-core (from web/node_modules, the version the lockfile pins) on the page as it stands.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import ROOT

SCREENSHOTS = ROOT / ".hotline" / "screenshots"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1366, "height": 900}}
BLOCKING = {"serious", "critical"}


@pytest.fixture(autouse=True)
def patient() -> Iterator[None]:
    """The local cloud, Chromium and other tests share two cores: a page may take seconds to show."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def _watched(context: BrowserContext) -> Iterator[Page]:
    """A tab whose script errors fail the test (a page that breaks in the browser is a broken page)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized tab in Chinese, as most citizens use the site."""
    yield from _watched(browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai"))  # type: ignore[arg-type]


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    """A desktop tab, as staff use the console."""
    yield from _watched(
        browser.new_context(**DESK, locale="zh-CN", timezone_id="Asia/Shanghai")  # type: ignore[arg-type]
    )


def shoot(page: Page, name: str) -> Path:
    """Keep the page as it is now as `.hotline/screenshots/<name>.png`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def accessible(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands (evaluated outside the page's CSP)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in found if v["impact"] in BLOCKING]
