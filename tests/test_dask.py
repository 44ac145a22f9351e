"""The same per-unit tasks on a Dask cluster give the same reports as the local pool."""

import subprocess
from pathlib import Path

import pytest
from helpers import DATA
from helpers import build as build_into

pytestmark = pytest.mark.e2e


def build(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return build_into(DATA, folder, *extra)


def test_dask_cluster_builds_the_same_reports(tmp_path):
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = build(tmp_path / "dask", "--scheduler", cluster.scheduler_address)
    assert on_dask.returncode == 0, on_dask.stderr[-2000:]
    local = build(tmp_path / "local", "--jobs", "2")
    assert local.returncode == 0, local.stderr[-2000:]
    first, second = tmp_path / "dask" / "reports", tmp_path / "local" / "reports"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) == 56
    assert [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()] == []
