"""The collector settings of workers and kernels (scoring.heap): frozen objects are not
scanned, and a snapshot a warm kernel replaces can still be collected."""

from __future__ import annotations

import gc
import pickle
import weakref

import pytest

from scoring import heap, snapshot


class Cyclic:
    """Freed only by the collector: it refers to itself."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def clean_heap():
    yield
    snapshot.use(None)
    snapshot._LOADED.clear()
    gc.unfreeze()


def test_settle_freezes_what_is_alive(clean_heap):
    kept = Cyclic()
    heap.settle()
    assert gc.get_freeze_count() > 0
    assert gc.is_tracked(kept)
    assert all(kept is not o for o in gc.get_objects())  # out of the collector's scans


def test_a_replaced_snapshot_is_collected_although_it_was_frozen(tmp_path, clean_heap):
    first, second = tmp_path / "first.pickle", tmp_path / "second.pickle"
    first.write_bytes(pickle.dumps(Cyclic()))
    second.write_bytes(pickle.dumps(Cyclic()))
    snapshot.use(str(first))  # as a report's first cell: use, then settle
    heap.settle()
    old = weakref.ref(snapshot._LOADED[str(first)])
    snapshot.use(str(second))  # the next build's report in the same warm kernel
    heap.settle()
    assert old() is None, "the previous build's snapshot stays frozen in the kernel"
    assert isinstance(snapshot._ACTIVE, Cyclic)
