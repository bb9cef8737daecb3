"""The end-to-end benchmark's breakdown: the stages of a claim and the intake's groups."""

from __future__ import annotations

from tests.bench_modules import bench_module

stages = bench_module("stages")

STAMPS = {
    "c-1": {
        stages.SUBMITTED: 100.010,
        stages.REVIEWED: 100.040,
        stages.CHECKED: 100.060,
        "final": 100.100,
    }
}


def test_each_stage_runs_from_its_own_start_and_the_answer_from_the_post() -> None:
    measured = stages.stage_latencies({"c-1": 100.000}, {"c-1": 100.105}, STAMPS, {"c-1": 100.025})
    rounded = {stage: [round(ms, 3) for ms in values] for stage, values in measured.items()}
    assert rounded == {
        "answer": [25.0],
        "submitted": [10.0],
        "review": [30.0],
        "auth check": [50.0],
        "decision": [40.0],
        "seen": [5.0],
    }


def test_a_claim_missing_an_event_or_its_answer_counts_only_where_it_can() -> None:
    unfinished = {"c-2": {stages.SUBMITTED: 100.010}}
    measured = stages.stage_latencies(
        {"c-1": 100.000, "c-2": 100.000}, {"c-1": 100.105}, {**STAMPS, **unfinished}, {}
    )
    assert "answer" not in measured
    assert all(len(values) == 1 for values in measured.values())


METRICS = """\
# HELP claimflow_intake_group_claims Claims written together
# TYPE claimflow_intake_group_claims histogram
claimflow_intake_group_claims_bucket{service="claims",le="1"} 3
claimflow_intake_group_claims_bucket{service="claims",le="+Inf"} 40
claimflow_intake_group_claims_sum{service="claims"} 90
claimflow_intake_group_claims_count{service="claims"} 40
claimflow_intake_group_write_seconds_sum{service="claims"} 0.5
claimflow_intake_group_write_seconds_count{service="claims"} 40
claimflow_intake_group_write_seconds_sum{service="claims",worker="2"} 0.25
"""


def test_the_group_totals_add_every_series_of_a_name() -> None:
    assert stages.group_totals(METRICS) == {"groups": 40, "claims": 90, "writing": 0.75}


def test_the_groups_between_two_readings() -> None:
    before = {"groups": 40, "claims": 90, "writing": 0.75}
    after = {"groups": 240, "claims": 590, "writing": 10.75}
    assert stages.intake_groups(before, after, 20.0) == {
        "groups_per_s": 10.0,
        "claims_per_group": 2.5,
        "writer_busy": 0.5,
    }
    assert stages.intake_groups(before, before, 20.0)["claims_per_group"] == 0.0
