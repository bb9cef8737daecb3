"""Entry point of `python -m claimflow_shared.testing.infra`."""

import sys

from claimflow_shared.testing.infra.cli import main

if __name__ == "__main__":
    sys.exit(main())
