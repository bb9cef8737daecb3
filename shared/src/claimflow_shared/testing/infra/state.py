"""The state folder the CLI shares between `up`, `down` and `env`: env file and started services."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

ENV_FILE = "infra.env"
STATE_FILE = "infra.json"
KAFKA_ENV = "KAFKA_BOOTSTRAP_SERVERS"
DATABASE_ENV = "DATABASE_URL"


@dataclass
class Started:
    """A service `up` started itself, so `down` may stop it."""

    home: str
    pid: int | None


@dataclass
class InfraState:
    """What `up` started and the environment it published."""

    kafka: Started | None = None
    postgres: Started | None = None
    env: dict[str, str] = field(default_factory=dict)


def env_path(state_dir: Path) -> Path:
    """Return the env file a Makefile sources."""
    return state_dir / ENV_FILE


def render_env(env: Mapping[str, str]) -> str:
    """Return `export KEY=value` lines, quoted for a POSIX shell."""
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in sorted(env.items()))


def parse_env(content: str) -> dict[str, str]:
    """Read back the `export KEY=value` lines written by `render_env`."""
    result: dict[str, str] = {}
    for line in content.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, value = words[1].split("=", 1)
            result[key] = value
    return result


def _started(raw: object) -> Started | None:
    """Rebuild a `Started` record from its JSON form."""
    if not isinstance(raw, dict):
        return None
    pid = raw.get("pid")
    return Started(home=str(raw["home"]), pid=pid if isinstance(pid, int) else None)


def load_state(state_dir: Path) -> InfraState:
    """Read the state folder, or return an empty state when nothing was started there."""
    path = state_dir / STATE_FILE
    if not path.is_file():
        return InfraState()
    raw = json.loads(path.read_text())
    return InfraState(
        kafka=_started(raw.get("kafka")),
        postgres=_started(raw.get("postgres")),
        env={str(key): str(value) for key, value in raw.get("env", {}).items()},
    )


def save_state(state_dir: Path, state: InfraState) -> None:
    """Write the state file and the env file next to it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / STATE_FILE).write_text(json.dumps(asdict(state), indent=2) + "\n")
    env_path(state_dir).write_text(render_env(state.env))


def clear_state(state_dir: Path) -> None:
    """Remove the state and env files once everything `up` started is stopped."""
    (state_dir / STATE_FILE).unlink(missing_ok=True)
    env_path(state_dir).unlink(missing_ok=True)
