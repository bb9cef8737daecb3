"""The deployment files parse and name every service."""

from pathlib import Path

import yaml

from claimflow.services import definitions

ROOT = Path(__file__).resolve().parents[1]


def test_compose_has_an_api_and_a_worker_per_service() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    names = set(compose["services"])
    assert {"postgres", "kafka", "migrate"} <= names
    for service in definitions():
        assert {f"{service}-api", f"{service}-worker"} <= names
        api = compose["services"][f"{service}-api"]
        assert api["command"][:3] == ["claimflow", "api", service]
        assert api["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


def test_kustomization_resources_exist() -> None:
    base = ROOT / "deploy" / "k8s" / "base"
    kustomization = yaml.safe_load((base / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        documents = list(yaml.safe_load_all((base / resource).read_text()))
        assert all(d["kind"] in {"Deployment", "Service"} for d in documents)
