"""A service process collects its young objects less often and never walks its startup heap."""

import gc
from collections.abc import Iterator

import pytest

from claimflow_shared.collector import (
    YOUNG_THRESHOLD,
    freeze_startup_heap,
    serve_with_fewer_collections,
)


@pytest.fixture(autouse=True)
def collector_as_before() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_young_generation_is_collected_less_often_and_the_others_as_before() -> None:
    gc.set_threshold(700, 11, 12)
    serve_with_fewer_collections()
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 11, 12)


def test_objects_alive_at_startup_leave_every_generation() -> None:
    started_with = [["a container the collector tracks"]]
    assert any(o is started_with for o in gc.get_objects())
    frozen = freeze_startup_heap()
    assert frozen == gc.get_freeze_count() > 0
    assert not any(o is started_with for o in gc.get_objects())
    made_later = [["made after startup"]]
    assert any(o is made_later for o in gc.get_objects())
