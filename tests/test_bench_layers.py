"""The profile benchmark charges each py-spy sample to the right layer of the stack."""

from __future__ import annotations

import pytest

from tests.bench_modules import bench_module

layers = bench_module("layers")
LOOP, OTHER, OWN = layers.LOOP, layers.OTHER, layers.OWN
layer_of, layer_of_sample = layers.layer_of, layers.layer_of_sample
layer_samples, shares = layers.layer_samples, layers.shares

SITE = "/srv/app/.venv/lib/python3.11/site-packages"
STDLIB = "/usr/lib/python3.11"
START = [
    "_run_module_as_main (<frozen runpy>:198)",
    "worker (/srv/app/src/claimflow/cli.py:87)",
    f"Typer.__call__ ({SITE}/typer/main.py:1126)",
    f"run ({SITE}/uvloop/__init__.py:92)",
    f"Runner.run ({STDLIB}/asyncio/runners.py:118)",
]
"""A worker's start-up stack, below every sample taken while its event loop runs."""


@pytest.mark.parametrize(
    ("frame", "layer"),
    [
        (f"Session.execute ({SITE}/sqlalchemy/orm/session.py:2351)", "SQLAlchemy"),
        ("_go (<sqlalchemy generated _go() wrapper for Session.commit>:2)", "SQLAlchemy"),
        (f"greenlet_spawn ({SITE}/greenlet/__init__.py:10)", "SQLAlchemy"),
        (f"Connection.fetch ({SITE}/asyncpg/connection.py:690)", "asyncpg"),
        (f"AIOKafkaClient.send ({SITE}/aiokafka/client.py:540)", "aiokafka"),
        (f"Tracer.start_span ({SITE}/opentelemetry/sdk/trace/__init__.py:1100)", "OpenTelemetry"),
        (f"solve_dependencies ({SITE}/fastapi/dependencies/utils.py:570)", "HTTP server"),
        (f"RequestResponseCycle.send ({SITE}/uvicorn/protocols/http/h.py:9)", "HTTP server"),
        (f"BaseModel.model_validate ({SITE}/pydantic/main.py:700)", "pydantic"),
        (f"Response.read ({SITE}/httpx/_models.py:880)", OTHER),
        # claimflow's packages, from a source checkout and installed
        ("EventConsumer.run (/srv/app/shared/src/claimflow_shared/messaging/consumer.py:90)", OWN),
        ("check_many (/srv/app/services/prior-auth/src/prior_auth/claim_checks/s.py:3)", OWN),
        (f"intake ({SITE}/claims/intake/service.py:40)", OWN),
        # the standard library belongs to nobody on its own
        (f"Task.__step ({STDLIB}/asyncio/tasks.py:267)", None),
        ("_run_code (<frozen runpy>:88)", None),
        # a folder named like a package is not that package unless installed as one
        (f"helper ({STDLIB}/sqlalchemy_notes.py:1)", None),
    ],
)
def test_a_frame_belongs_to_its_package(frame: str, layer: str | None) -> None:
    assert layer_of(frame) == layer


def test_the_standard_library_counts_for_the_layer_that_called_it() -> None:
    stack = [
        *START,
        "EventConsumer.run (/srv/app/shared/src/claimflow_shared/messaging/consumer.py:90)",
        f"AsyncSession.execute ({SITE}/sqlalchemy/ext/asyncio/session.py:652)",
        f"_GeneratorContextManager.__enter__ ({STDLIB}/contextlib.py:137)",
    ]
    assert layer_of_sample(stack) == "SQLAlchemy"


def test_the_start_up_stack_below_the_loop_is_nobody_s() -> None:
    """The worker command is claimflow's code, but a sample inside the loop's own machinery
    belongs to the loop, not to the command that started it."""
    stack = [*START, f"Handle._run ({STDLIB}/asyncio/events.py:80)"]
    assert layer_of_sample(stack) == LOOP
    assert layer_of_sample(START) == LOOP


def test_a_greenlet_stack_has_no_loop_below_it() -> None:
    stack = [
        f"Session.execute ({SITE}/sqlalchemy/orm/session.py:2351)",
        f"Connection._execute_context ({SITE}/sqlalchemy/engine/base.py:1843)",
        f"EngineTracer._before ({SITE}/opentelemetry/instrumentation/sqlalchemy/engine.py:9)",
        f"_compile ({STDLIB}/re/__init__.py:272)",
    ]
    assert layer_of_sample(stack) == "OpenTelemetry"


def test_samples_are_summed_per_layer_from_a_raw_profile() -> None:
    raw = [
        ";".join([*START, f"AIOKafkaClient.send ({SITE}/aiokafka/client.py:540)"]) + " 3\n",
        ";".join([*START, f"Connection.fetch ({SITE}/asyncpg/connection.py:690)"]) + " 1\n",
        ";".join([*START, f"AIOKafkaClient.send ({SITE}/aiokafka/client.py:541)"]) + " 2\n",
        ";".join(START) + " 2\n",
        "\n",
        "a line py-spy cut short\n",
    ]
    counted = layer_samples(raw)
    assert counted == {"aiokafka": 5, "asyncpg": 1, LOOP: 2}
    assert shares(counted) == {"aiokafka": 0.625, LOOP: 0.25, "asyncpg": 0.125}


def test_no_samples_have_no_shares() -> None:
    assert shares(layer_samples([])) == {}
