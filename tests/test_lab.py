"""`make lab` as an analyst runs it: JupyterLab on LAB_PORT, URL with its token printed, no
browser opened, usable as root. The test lists the kernelspecs through the server's REST API,
starts a kernel there and runs every code cell of notebooks/unit_report.ipynb in it (through
jupyter_client, with the connection file the server wrote), then stops the server.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from helpers import ROOT
from jupyter_client import BlockingKernelClient

pytestmark = pytest.mark.e2e
URL = re.compile(r"(http://(?:127\.0\.0\.1|localhost):(\d+)/lab\?token=([0-9a-f]+))")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """``make lab`` in its own process group; its output is read in a thread."""

    def __init__(self, port: int, runtime: Path):
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "BROWSER": "false"}
        env.pop("DISPLAY", None)
        self.proc = subprocess.Popen(
            ["make", "-s", "lab", f"LAB_PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def url(self, timeout: float = 120) -> re.Match[str]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in list(self.lines):
                if found := URL.search(line):
                    return found
            assert self.proc.poll() is None, "".join(self.lines)[-3000:]
            time.sleep(0.2)
        raise AssertionError("no URL with a token printed:\n" + "".join(self.lines)[-3000:])

    def listening(self, port: int, timeout: float = 60) -> None:
        """Wait until the server accepts connections: jupyter_server prints its URL before
        its event loop has bound the port (a callback of that loop), so under load a
        request sent at once is refused."""
        deadline = time.time() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                return
            except OSError:
                assert self.proc.poll() is None, "".join(self.lines)[-3000:]
                assert time.time() < deadline, "".join(self.lines)[-3000:]
                time.sleep(0.2)

    def stop(self) -> int:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return self.proc.wait(timeout=30)


def api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        text = reply.read()
    return json.loads(text) if text else None


def test_make_lab_serves_the_notebooks_with_the_project_kernel(tmp_path):
    port = free_port()
    lab = Lab(port, tmp_path / "runtime")
    try:
        found = lab.url()
        assert int(found.group(2)) == port
        base, token = f"http://127.0.0.1:{port}", found.group(3)
        lab.listening(port)
        specs = api(base, token, "/api/kernelspecs")
        assert specs["kernelspecs"]["python3"]["spec"]["display_name"] == "Python 3 (scoring)"
        kernel = api(base, token, "/api/kernels", "POST", {"name": "python3"})
        client = BlockingKernelClient()
        client.load_connection_file(str(tmp_path / "runtime" / f"kernel-{kernel['id']}.json"))
        client.start_channels(hb=False)  # readiness comes from kernel_info below
        try:
            client.wait_for_ready(timeout=60)
            notebook = nbformat.read(ROOT / "notebooks" / "unit_report.ipynb", as_version=4)
            cells = [c.source for c in notebook.cells if c.cell_type == "code"]
            assert cells
            for source in cells:
                reply = client.execute_interactive(source, timeout=180, output_hook=lambda m: None)
                assert reply["content"]["status"] == "ok", (source, reply["content"])
        finally:
            client.stop_channels()
        api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
        assert "Running as root is not recommended" not in "".join(lab.lines)
    finally:
        lab.stop()
    assert lab.proc.returncode is not None
