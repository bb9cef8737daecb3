"""The kustomize overlays render, validate against Kubernetes 1.33, and say what we mean.

No cluster and no kustomize binary here: ``render`` builds a kustomization the way
``kustomize build`` does for the features these overlays use (resources, namespace, labels,
images, strategic-merge patches with targets) and refuses any other field. The network
policies are checked in ``test_deploy_files.py``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from claimflow.services import definitions
from claimflow_shared.bus import dlq_topic
from claimflow_shared.events.contracts import TOPICS

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33.0"
PARTITIONS = 6
OVERLAYS = {"dev": "claimflow-dev", "prod": "claimflow"}
TOPIC_REPLICAS = {"dev": 1, "prod": 3}
EXTERNAL_SECRETS = {"claimflow-secrets"}
SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}

Manifest = dict[str, Any]

KAFKA_TOPIC_SCHEMA = json.loads((K8S / "kafkatopic.schema.json").read_text())


def _documents(path: Path) -> list[Manifest]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _merge(base: Any, patch: Any) -> Any:
    """Strategic merge as far as used here: maps merge, lists of named maps merge by name."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if _named(base) and _named(patch):
        patches = {item["name"]: item for item in patch}
        merged_list = [_merge(item, patches.pop(item["name"], {})) for item in base]
        return merged_list + list(patches.values())
    return patch


def _named(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "name" in i for i in value)


def _selected(manifest: Manifest, target: dict[str, str]) -> bool:
    """Whether a patch target (kind, name, group, labelSelector with `k=v` terms) selects it."""
    group = manifest["apiVersion"].rpartition("/")[0]
    labels = manifest["metadata"].get("labels", {})
    terms = [t.split("=", 1) for t in target.get("labelSelector", "").split(",") if t]
    return (
        target.get("kind", manifest["kind"]) == manifest["kind"]
        and target.get("name", manifest["metadata"]["name"]) == manifest["metadata"]["name"]
        and target.get("group", group) == group
        and all(labels.get(k) == v for k, v in terms)
    )


def _patch(manifests: list[Manifest], directory: Path, entry: dict[str, Any]) -> None:
    patch = _documents(directory / entry["path"])[0]
    target = entry.get("target") or {"kind": patch["kind"], "name": patch["metadata"]["name"]}
    body = {**patch, "metadata": {k: v for k, v in patch["metadata"].items() if k != "name"}}
    hits = [i for i, m in enumerate(manifests) if _selected(m, target)]
    assert hits, f"{directory / entry['path']} patches nothing"
    for i in hits:
        manifests[i] = _merge(manifests[i], body)


def _pod_specs(manifest: Manifest) -> Iterator[dict[str, Any]]:
    if manifest["kind"] in {"Deployment", "Job"}:
        yield manifest["spec"]["template"]["spec"]


def _set_image(manifests: list[Manifest], image: dict[str, str]) -> None:
    for manifest in manifests:
        for pod in _pod_specs(manifest):
            for container in pod["containers"]:
                name = container["image"].split(":")[0]
                if name == image["name"]:
                    container["image"] = f"{image.get('newName', name)}:{image['newTag']}"


@cache
def render(directory: Path) -> tuple[Manifest, ...]:
    """What ``kustomize build directory`` prints, as dictionaries."""
    spec = _documents(directory / "kustomization.yaml")[0]
    assert set(spec) <= SUPPORTED, f"render() cannot build {set(spec) - SUPPORTED}"
    manifests: list[Manifest] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        manifests += list(render(path.resolve())) if path.is_dir() else _documents(path)
    manifests = copy.deepcopy(manifests)
    for entry in spec.get("patches", []):
        _patch(manifests, directory, entry)
    for image in spec.get("images", []):
        _set_image(manifests, image)
    for manifest in manifests:
        if spec.get("namespace") and manifest["kind"] != "Namespace":
            manifest["metadata"]["namespace"] = spec["namespace"]
        for labels in spec.get("labels", []):
            assert set(labels) == {"pairs"}, "only metadata labels are supported"
            manifest["metadata"]["labels"] = {
                **manifest["metadata"].get("labels", {}),
                **labels["pairs"],
            }
    return tuple(manifests)


@pytest.fixture(params=sorted(OVERLAYS))
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def rendered(overlay: str) -> tuple[Manifest, ...]:
    """Every manifest of ``deploy/k8s/overlays/<overlay>``."""
    return render(K8S / "overlays" / overlay)


def of_kind(overlay: str, kind: str) -> dict[str, Manifest]:
    """The overlay's manifests of one kind, by name."""
    return {m["metadata"]["name"]: m for m in rendered(overlay) if m["kind"] == kind}


def _container(deployment: Manifest) -> dict[str, Any]:
    containers: list[dict[str, Any]] = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def _containers(overlay: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for manifest in rendered(overlay):
        for pod in _pod_specs(manifest):
            yield from ((pod, container) for container in pod["containers"])


def env_prefix(service: str) -> str:
    """The service's settings prefix, e.g. ``CLAIMS_``."""
    return str(definitions()[service].settings_type.model_config.get("env_prefix"))


def api_port(service: str) -> int:
    """The port the service's API listens on."""
    return definitions()[service].settings_type.default_port


def api_command(service: str) -> list[str]:
    """How every deployment starts the service's API."""
    return ["claimflow", "api", service, "--host", "0.0.0.0", "--port", str(api_port(service))]


class TestRendering:
    def test_every_manifest_validates(self, overlay: str) -> None:
        for manifest in rendered(overlay):
            if manifest["kind"] == "KafkaTopic":
                jsonschema.validate(manifest, KAFKA_TOPIC_SCHEMA)
            else:
                kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)

    def test_everything_lands_in_the_overlay_namespace(self, overlay: str) -> None:
        namespaces = {
            m["metadata"].get("namespace") for m in rendered(overlay) if m["kind"] != "Namespace"
        }
        assert namespaces == {OVERLAYS[overlay]}
        assert set(of_kind(overlay, "Namespace")) == {OVERLAYS[overlay]}

    def test_a_misspelt_field_fails_validation(self) -> None:
        deployment = copy.deepcopy(of_kind("prod", "Deployment")["claims-api"])
        deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


class TestWorkloads:
    def test_every_service_has_an_api_a_worker_and_a_service(self, overlay: str) -> None:
        deployments = of_kind(overlay, "Deployment")
        services = of_kind(overlay, "Service")
        for service in definitions():
            assert _container(deployments[f"{service}-api"])["args"] == api_command(service)
            assert _container(deployments[f"{service}-worker"])["args"] == [
                "claimflow",
                "worker",
                service,
            ]
            port = services[f"{service}-api"]["spec"]["ports"][0]
            assert port["port"] == api_port(service) and port["targetPort"] == "http"

    def test_probes_hit_health_and_ready_on_a_declared_port(self, overlay: str) -> None:
        config = of_kind(overlay, "ConfigMap")["claimflow-config"]["data"]
        for name, deployment in of_kind(overlay, "Deployment").items():
            service, role = name.rsplit("-", 1)
            container = _container(deployment)
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            port_name = "http" if role == "api" else "metrics"
            expected = (
                api_port(service)
                if role == "api"
                else int(config[f"{env_prefix(service)}METRICS_PORT"])
            )
            assert ports == {port_name: expected}
            for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
                assert container[probe]["httpGet"] == {"path": path, "port": port_name}

    def test_every_container_has_requests_within_limits(self, overlay: str) -> None:
        for _, container in _containers(overlay):
            requests, limits = (container["resources"][k] for k in ("requests", "limits"))
            assert set(requests) == set(limits) == {"cpu", "memory"}
            assert all(_quantity(requests[r]) <= _quantity(limits[r]) for r in requests)

    def test_pods_meet_the_restricted_pod_security_standard(self, overlay: str) -> None:
        for pod, container in _containers(overlay):
            assert pod["securityContext"]["runAsNonRoot"] is True
            assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}

    def test_images_are_pinned_to_one_release(self, overlay: str) -> None:
        tags = {c["image"].partition(":")[2] for _, c in _containers(overlay)}
        assert len(tags) == 1 and "" not in tags and "latest" not in tags

    def test_the_migration_job_runs_claimflow_migrate(self, overlay: str) -> None:
        job = of_kind(overlay, "Job")["claimflow-migrate"]
        container = job["spec"]["template"]["spec"]["containers"][0]
        assert container["args"] == ["claimflow", "migrate"]
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"

    def test_config_and_secret_references_resolve(self, overlay: str) -> None:
        config_maps, secrets = set(of_kind(overlay, "ConfigMap")), set(of_kind(overlay, "Secret"))
        for _, container in _containers(overlay):
            for source in container["envFrom"]:
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in config_maps
                else:
                    assert source["secretRef"]["name"] in secrets | EXTERNAL_SECRETS

    def test_every_service_runs_on_kafka_and_exports_traces(self, overlay: str) -> None:
        config = of_kind(overlay, "ConfigMap")["claimflow-config"]["data"]
        assert config["KAFKA_BOOTSTRAP_SERVERS"].endswith(":9092")
        assert config["OTEL_EXPORTER_OTLP_ENDPOINT"].endswith(":4318")
        for service in definitions():
            assert config[f"{env_prefix(service)}BUS"] == "kafka"
            assert config[f"{env_prefix(service)}HOST"] == "0.0.0.0", "probes reach the pod IP"
        expected = "development" if overlay == "dev" else "production"
        assert {v for k, v in config.items() if k.endswith("_ENVIRONMENT")} == {expected}


def _quantity(value: str | int) -> float:
    units = {"m": 1e-3, "Mi": 2**20, "Gi": 2**30}
    suffix = next((s for s in units if str(value).endswith(s)), "")
    return float(str(value).removesuffix(suffix)) * units.get(suffix, 1)


class TestScaling:
    def test_every_deployment_has_an_autoscaler_and_a_budget(self, overlay: str) -> None:
        deployments = of_kind(overlay, "Deployment")
        autoscalers = of_kind(overlay, "HorizontalPodAutoscaler")
        budgets = of_kind(overlay, "PodDisruptionBudget")
        assert set(autoscalers) == set(budgets) == set(deployments)
        for name, deployment in deployments.items():
            assert autoscalers[name]["spec"]["scaleTargetRef"]["name"] == name
            assert "replicas" not in deployment["spec"], "the autoscaler owns replicas"
            selector = deployment["spec"]["selector"]
            assert budgets[name]["spec"]["selector"] == selector
            assert budgets[name]["spec"]["maxUnavailable"] >= 1

    def test_workers_never_outnumber_partitions(self, overlay: str) -> None:
        for name, hpa in of_kind(overlay, "HorizontalPodAutoscaler").items():
            spec = hpa["spec"]
            assert 1 <= spec["minReplicas"] <= spec["maxReplicas"]
            if name.endswith("-worker"):
                assert spec["maxReplicas"] <= PARTITIONS

    def test_production_keeps_spare_api_replicas(self) -> None:
        for name, hpa in of_kind("prod", "HorizontalPodAutoscaler").items():
            assert hpa["spec"]["minReplicas"] >= (3 if name.endswith("-api") else 2)


class TestTopics:
    def test_every_topic_and_dead_letter_topic_exists(self, overlay: str) -> None:
        topics = of_kind(overlay, "KafkaTopic")
        assert set(topics) == {t for topic in TOPICS for t in (topic, dlq_topic(topic))}
        for topic in topics.values():
            spec = topic["spec"]
            assert spec["partitions"] == PARTITIONS
            assert spec["replicas"] == TOPIC_REPLICAS[overlay]
            assert spec["config"]["min.insync.replicas"] == max(1, spec["replicas"] - 1)

    def test_topics_belong_to_the_cluster_the_services_use(self, overlay: str) -> None:
        bootstrap = of_kind(overlay, "ConfigMap")["claimflow-config"]["data"][
            "KAFKA_BOOTSTRAP_SERVERS"
        ]
        for topic in of_kind(overlay, "KafkaTopic").values():
            cluster = topic["metadata"]["labels"]["strimzi.io/cluster"]
            assert bootstrap.startswith(f"{cluster}-kafka-bootstrap.")

    def test_the_schema_rejects_a_topic_without_a_cluster(self) -> None:
        topic = copy.deepcopy(of_kind("prod", "KafkaTopic")["claims.events"])
        del topic["metadata"]["labels"]["strimzi.io/cluster"]
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(topic, KAFKA_TOPIC_SCHEMA)
