"""The prior-auth worker process: its consumers and its outbox relay."""

from __future__ import annotations

import asyncio

from claimflow_shared.logs import configure_logging
from claimflow_shared.worker import serve_worker
from prior_auth.definition import DEFINITION


def main() -> None:
    """Run the worker until SIGTERM or SIGINT."""
    settings = DEFINITION.settings_type()
    configure_logging(settings.log_level)
    asyncio.run(serve_worker(DEFINITION, settings))


if __name__ == "__main__":
    main()
