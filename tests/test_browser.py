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


def screenshot(drv):  # noqa: ANN201 - a PIL image, in grey levels
    from PIL import Image

    return Image.open(io.BytesIO(drv.get_screenshot_as_png())).convert("L")


def drawn(image, box: tuple[int, int, int, int] | None = None) -> bool:
    """Whether the region shows something drawn: dark pixels (text, bars) on a light
    background, in a real share, not a uniform (blank or single-colour) area."""
    region = image.crop(box) if box else image
    histogram = region.histogram()
    total = region.size[0] * region.size[1]
    dark = sum(histogram[:100]) / total
    light = sum(histogram[200:]) / total
    return 0.005 < dark < 0.9 and light > 0.1


def region(drv, element) -> tuple[int, int, int, int]:
    """The element's box in the screenshot's pixels (the viewport's, as scrolled)."""
    box = drv.execute_script(
        "const r = arguments[0].getBoundingClientRect(), s = window.devicePixelRatio;"
        "return [r.left * s, r.top * s, r.right * s, r.bottom * s]",
        element,
    )
    return tuple(round(v) for v in box)  # type: ignore[return-value]


def test_city_screenshot_shows_the_report(reports, driver, tmp_path):
    # The check itself: a blank page is not "drawn".
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body></body></html>", encoding="utf-8")
    load(driver, blank)
    assert not drawn(screenshot(driver))

    assert load(driver, reports / "units/196.html") == []
    text = driver.find_element("tag name", "body").text
    assert "Thành phố Uông Bí" in text and "/170" in text
    image = screenshot(driver)
    image.save(tmp_path / "196.png")  # kept in pytest's tmp folder, to look at
    width, height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    scale = driver.execute_script("return window.devicePixelRatio")
    assert image.size == (round(width * scale), round(height * scale))
    assert drawn(image)
    # The unit's name is drawn where the page puts it, and so is the first chart.
    title = driver.find_element(
        "xpath", "//*[normalize-space(text())='Thành phố Uông Bí'][not(self::title)]"
    )
    assert drawn(image, region(driver, title))
    chart = driver.find_element("css selector", "img[src^='data:image/png']")
    driver.execute_script("arguments[0].scrollIntoView()", chart)
    assert driver.execute_script("return arguments[0].naturalWidth", chart) > 100
    assert drawn(screenshot(driver), region(driver, chart))


def test_index_filter_folds_diacritics(reports, driver):
    assert load(driver, reports / "../index.html") == []
    js = """const box = document.getElementById('filter');
      box.value = 'vang danh'; box.dispatchEvent(new Event('input'));
      return [...document.querySelectorAll('tr[data-name]')]
        .filter(tr => getComputedStyle(tr).display !== 'none').map(tr => tr.dataset.name);"""
    assert driver.execute_script(js) == ["phường vàng danh"]


def test_an_analysts_markdown_section_is_numbered_with_ours(driver, tmp_path):
    """A Markdown "## " cell gets the next section number in the HTML, as in the PDF (it
    was left unnumbered: the stylesheet named JupyterLab's class, not nbconvert's)."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from scoring.views.html import notebook_to_html, presentable

    ours = new_output("display_data", data={"text/html": '<h2 class="section">Một</h2>'})
    nb = new_notebook(cells=[new_code_cell("x", outputs=[ours]), new_markdown_cell("## Hai")])
    page = tmp_path / "page.html"
    page.write_text(notebook_to_html(presentable(nb)[0], "Thử"), encoding="utf-8")
    assert load(driver, page) == []
    # Each heading steps the section counter and shows it before its text: 1., then 2.
    styles = driver.execute_script(
        "return [...document.querySelectorAll('h2')].map(h => ["
        "getComputedStyle(h).counterIncrement, getComputedStyle(h, '::before').content])"
    )
    assert styles == [["section 1", 'counter(section) ". "']] * 2
