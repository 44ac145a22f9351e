"""Open the built HTML reports in headless Chromium and check they are self-contained.

The reports are built once (2018) into a tmp folder. Each page is loaded from a file:// URL
with the network emulated offline; the test fails on any request to a non-file URL
(http, https, ws...; data: is fine) and on any console error or uncaught exception.
It also screenshots the city report and exercises the name filter on index.html.
Chromium is driven over the DevTools Protocol with ``websocket-client`` (no new deps).
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from pathlib import Path

import pytest
from helpers import DATA
from helpers import build as build_into

pytestmark = pytest.mark.browser


ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
PAGES = ["units/196.html", "units/06808.html", "ranking.html", "../index.html"]
if not CHROMIUM.exists():
    pytest.skip("needs /usr/bin/chromium (installed by the Makefile)", allow_module_level=True)
websocket = pytest.importorskip("websocket", reason="needs websocket-client")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    run = build_into(DATA, tmp, "--jobs", "2")
    assert run.returncode == 0, run.stderr[-3000:]
    return tmp / "reports" / "2018"


class Browser:
    """Headless Chromium with one page target; ``call`` sends a command, events are kept."""

    def __init__(self, profile: Path):
        self.proc = subprocess.Popen(
            [
                str(CHROMIUM),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file, deadline = profile / "DevToolsActivePort", time.time() + 30
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            assert time.time() < deadline and self.proc.poll() is None, "chromium did not start"
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=30)
        self.next_id, self.events, self.session = 0, [], None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        while not any(e.get("method") == event for e in self.events):
            assert time.time() < deadline, f"timed out waiting for {event}"
            self.events.append(json.loads(self.ws.recv()))

    def close(self) -> None:
        try:
            self.ws.close()
        finally:  # SIGTERM lets chromium reap its helpers; SIGKILL if it hangs
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = None
    try:
        b = Browser(tmp_path_factory.mktemp("chromium-profile"))
        for domain in ("Page", "Network", "Runtime", "Log"):
            b.call(f"{domain}.enable")
        b.call(
            "Network.emulateNetworkConditions",
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        yield b
    finally:
        if b is not None:
            b.close()


def problems(events: list[dict]) -> list[str]:
    """Non-file requests and console/log errors found among the recorded events."""
    bad = []
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith(("file:", "data:")):
                bad.append(f"request: {url}")
        elif method == "Runtime.consoleAPICalled" and p["type"] == "error":
            bad.append(f"console: {[a.get('value', a.get('description')) for a in p['args']]}")
        elif method == "Runtime.exceptionThrown":
            bad.append(f"exception: {p['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and p["entry"]["level"] == "error":
            bad.append(f"log: {p['entry']['text']} {p['entry'].get('url', '')}")
    return bad


def load(browser: Browser, file: Path) -> None:
    browser.events.clear()
    browser.call("Page.navigate", url=file.resolve().as_uri())
    browser.wait_for("Page.loadEventFired")
    time.sleep(0.3)  # let late console messages arrive
    browser.call("Runtime.evaluate", expression="1")  # drains pending events
    assert problems(browser.events) == []


@pytest.mark.parametrize("page", PAGES)
def test_page_is_offline_clean(reports, browser, page):
    load(browser, reports / page)


def test_city_screenshot(reports, browser, tmp_path):
    load(browser, reports / "units/196.html")
    png = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    (tmp_path / "196.png").write_bytes(png)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_index_filter_folds_diacritics(reports, browser):
    load(browser, reports / "../index.html")
    js = """(() => { const box = document.getElementById('filter');
      box.value = 'vang danh'; box.dispatchEvent(new Event('input'));
      return [...document.querySelectorAll('tr[data-name]')]
        .filter(tr => getComputedStyle(tr).display !== 'none').map(tr => tr.dataset.name); })()"""
    visible = browser.call("Runtime.evaluate", expression=js, returnByValue=True)["result"]["value"]
    assert visible == ["phường vàng danh"]
