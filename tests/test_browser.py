"""Open the built HTML reports in headless Chromium and check they are self-contained.

Chromium (Debian's ``chromium``) is driven by Selenium through Debian's ``chromium-driver``
(no browser or driver download: both paths are given explicitly). Each page is loaded from
a file:// URL with the network emulated offline; the test fails on any request to a
non-file URL (http, https, ws...; data: is fine), read from ChromeDriver's performance log,
and on any console error or uncaught exception, read from the browser log. It also
screenshots the city report and exercises the name filter on index.html.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from helpers import CHROMEDRIVER, CHROMIUM, chrome

pytestmark = pytest.mark.browser

PAGES = ["units/196.html", "units/06808.html", "ranking.html", "../index.html"]
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "needs /usr/bin/chromium and /usr/bin/chromedriver (installed by `make test`)",
        allow_module_level=True,
    )
pytest.importorskip("selenium.webdriver", reason="needs selenium")


@pytest.fixture(scope="module")
def reports(sample_build) -> Path:
    return sample_build / "reports" / "2018"


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    drv = chrome(tmp_path_factory.mktemp("chromium-profile"))
    try:
        drv.execute_cdp_cmd("Network.enable", {})
        drv.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        yield drv
    finally:
        drv.quit()


def problems(drv) -> list[str]:
    """Non-file requests and console errors logged since the last call."""
    bad = []
    for entry in drv.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(("file:", "data:", "about:")):
                bad.append(f"request: {url}")
    for entry in drv.get_log("browser"):
        if entry["level"] == "SEVERE":
            bad.append(f"console: {entry['message']}")
    return bad


def load(drv, file: Path) -> list[str]:
    problems(drv)  # forget what earlier pages logged
    drv.get(file.resolve().as_uri())
    drv.execute_script("return document.readyState")
    return problems(drv)


def test_checker_sees_a_network_request_and_a_script_error(driver, tmp_path):
    """The offline check itself: a page that fetches a remote image and throws is caught."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><body><img src="https://example.invalid/x.png">'
        "<script>throw new Error('boom')</script></body></html>",
        encoding="utf-8",
    )
    found = load(driver, page)
    assert any(p.startswith("request: https://example.invalid/") for p in found), found
    assert any("boom" in p for p in found), found


@pytest.mark.parametrize("page", PAGES)
def test_page_is_offline_clean(reports, driver, page):
    assert load(driver, reports / page) == []


def test_city_screenshot_shows_the_report(reports, driver, tmp_path):
    from PIL import Image

    assert load(driver, reports / "units/196.html") == []
    text = driver.find_element("tag name", "body").text
    assert "Thành phố Uông Bí" in text and "/170" in text
    png = driver.get_screenshot_as_png()
    (tmp_path / "196.png").write_bytes(png)  # kept in pytest's tmp folder, to look at
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size[0] >= 900
    # Text and charts drawn: a real share of dark pixels, not a blank or error page.
    dark = sum(count for value, count in enumerate(image.histogram()) if value < 100)
    assert dark / (image.size[0] * image.size[1]) > 0.005


def test_index_filter_folds_diacritics(reports, driver):
    assert load(driver, reports / "../index.html") == []
    js = """const box = document.getElementById('filter');
      box.value = 'vang danh'; box.dispatchEvent(new Event('input'));
      return [...document.querySelectorAll('tr[data-name]')]
        .filter(tr => getComputedStyle(tr).display !== 'none').map(tr => tr.dataset.name);"""
    assert driver.execute_script(js) == ["phường vàng danh"]
