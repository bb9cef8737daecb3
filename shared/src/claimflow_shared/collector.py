"""The garbage collector of a long-running service process (API or worker).

A service imports hundreds of thousands of objects it keeps until it exits: modules, classes,
SQLAlchemy mappers, pydantic validators. CPython's default collector walks all of them on
every full collection: about 70 ms on an idle core for the 172,000 objects of the four
services' apps, while the event loop waits. Under load a worker ran one every ten seconds or
so (ADR 23). Two settings, for service processes only
(the CLI calls them; tests and libraries keep CPython's defaults):

- ``serve_with_fewer_collections`` collects the young generation every 7,000 new container
  objects instead of 700: a batch's objects live for one transaction, and with the default
  many were still alive at a collection and got promoted to the old generations.
- ``freeze_startup_heap`` moves everything alive once the process has started into the
  permanent generation, which no collection walks again.
"""

from __future__ import annotations

import gc

from sqlalchemy.orm import configure_mappers

YOUNG_THRESHOLD = 7_000
"""New container objects between two collections of the youngest generation (CPython: 700)."""


def serve_with_fewer_collections() -> None:
    """Collect the youngest generation less often; the older two as CPython does."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, oldest)


def freeze_startup_heap() -> int:
    """Collect once, then keep every object alive now out of later collections; return how
    many were frozen. Mappers are configured first (SQLAlchemy does it lazily, on the first
    query), so their objects are among them."""
    configure_mappers()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
