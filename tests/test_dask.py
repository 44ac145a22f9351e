"""The same per-unit tasks on a Dask cluster give the same reports as the local pool."""

import pytest
from helpers import build, files, small_data, unit_ids

pytestmark = pytest.mark.e2e


def test_dask_cluster_builds_the_same_reports(kit_build, tmp_path):
    """The small kit built on a two-worker Dask cluster, against the session's build of it
    with the local pool (one worker): every report, table and page, byte for byte."""
    from dask.distributed import LocalCluster

    data = small_data(tmp_path)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = build(data, tmp_path / "dask", "--scheduler", cluster.scheduler_address)
    assert on_dask.returncode == 0, on_dask.stderr[-2000:]
    first, second = files(tmp_path / "dask" / "reports"), files(kit_build / "reports")
    units = unit_ids(data)
    reports = {f"2018/units/{uid}.{ext}" for uid in units for ext in ("html", "pdf")}
    assert reports | {"2018/ranking.html", "2018/ranking.pdf"} <= set(first)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
