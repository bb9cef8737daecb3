"""docker compose, the service images, the observability configs and the network policies.

Nothing here runs a container: compose and its configs are parsed and cross-checked, the
Dockerfiles are read line by line, and the rendered NetworkPolicies are evaluated.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from claimflow.services import definitions
from tests.test_k8s_manifests import (
    OVERLAYS,
    Manifest,
    api_command,
    api_port,
    env_prefix,
    of_kind,
    rendered,
)

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
NO_HEALTHCHECK = {"migrate", "otel-collector", "jaeger"}
PINNED = re.compile(r"^[\w./-]+:v?\d+\.\d+(\.\d+)?([-\w.]*)$")

COMMON_LABELS = {"service", "job", "instance"}
METRICS: dict[str, set[str]] = {
    "http_server_request_duration_seconds": {"http_route", "http_response_status_code"},
    "claimflow_events_published_total": {"event_type"},
    "claimflow_events_consumed_total": {"event_type"},
    "claimflow_events_failed_total": {"event_type"},
    "claimflow_outbox_backlog": set(),
    "claimflow_outbox_oldest_age_seconds": set(),
    "claimflow_consumer_lag": {"topic", "partition", "group"},
    "claimflow_dead_letters_total": {"topic"},
    "claimflow_claims_by_status": {"status"},
    "claimflow_authorizations_overdue": set(),
    "claimflow_webhook_deliveries_total": {"outcome"},
    "claimflow_webhook_latency_seconds": set(),
    "claimflow_intake_group_claims": set(),
    "claimflow_intake_group_write_seconds": set(),
}
HISTOGRAMS = {
    "http_server_request_duration_seconds",
    "claimflow_webhook_latency_seconds",
    "claimflow_intake_group_claims",
    "claimflow_intake_group_write_seconds",
}
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool"}
PROMQL_WORDS |= {"and", "or", "unless", "offset"}


def _worker_port(service: str) -> int:
    return int(SERVICES[f"{service}-worker"]["environment"][f"{env_prefix(service)}METRICS_PORT"])


class TestCompose:
    def test_every_service_has_an_api_and_a_worker_on_kafka(self) -> None:
        for service in definitions():
            api, worker = SERVICES[f"{service}-api"], SERVICES[f"{service}-worker"]
            assert api["command"] == api_command(service)
            assert worker["command"] == ["claimflow", "worker", service]
            for container in (api, worker):
                assert container["build"] == {
                    "context": ".",
                    "dockerfile": f"services/{service}/Dockerfile",
                }
                env = container["environment"]
                assert env[f"{env_prefix(service)}BUS"] == "kafka"
                assert env[f"{env_prefix(service)}HOST"] == "0.0.0.0"
                assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
                assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
                assert env["DATABASE_URL"].startswith("postgresql://")

    def test_worker_probe_ports_are_distinct(self) -> None:
        ports = [_worker_port(s) for s in definitions()]
        assert len(set(ports)) == len(ports)
        assert not set(ports) & {api_port(s) for s in definitions()}

    def test_healthchecks_ask_each_process_whether_it_is_ready(self) -> None:
        for name, container in SERVICES.items():
            assert ("healthcheck" in container) is (name not in NO_HEALTHCHECK), name
        for service in definitions():
            for role, port in (("api", api_port(service)), ("worker", _worker_port(service))):
                check = " ".join(SERVICES[f"{service}-{role}"]["healthcheck"]["test"])
                assert f"http://localhost:{port}/ready" in check

    def test_dependencies_wait_for_a_condition_their_target_can_meet(self) -> None:
        needs: dict[str, Callable[[dict[str, Any]], bool]] = {
            "service_healthy": lambda t: "healthcheck" in t,
            "service_completed_successfully": lambda t: t.get("restart") == "no",
            "service_started": lambda t: True,
        }
        for name, container in SERVICES.items():
            for target, rule in container.get("depends_on", {}).items():
                assert needs[rule["condition"]](SERVICES[target]), f"{name} -> {target}"
        for service in definitions():
            for role in ("api", "worker"):
                depends = SERVICES[f"{service}-{role}"]["depends_on"]
                assert depends["migrate"]["condition"] == "service_completed_successfully"
                assert depends["kafka"]["condition"] == "service_healthy"
        assert SERVICES["migrate"]["command"] == ["claimflow", "migrate"]
        assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"

    def test_images_are_pinned(self) -> None:
        for name, container in SERVICES.items():
            image = container["image"]
            if "build" in container:
                assert image.startswith("claimflow/") and image.endswith(":local"), name
            else:
                assert PINNED.match(image), f"{name}: pin {image} to a version"
        assert SERVICES["kafka"]["image"].startswith("apache/kafka:3.9.")
        assert "controller" in SERVICES["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]

    def test_mounted_config_files_exist(self) -> None:
        mounts = [v.split(":")[0] for c in SERVICES.values() for v in c.get("volumes", [])]
        local = [m for m in mounts if m.startswith("./")]
        assert len(local) >= 4
        for mount in local:
            assert (ROOT / mount).exists(), mount


def _dockerfile(service: str) -> list[tuple[str, str]]:
    text = (ROOT / "services" / service / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [(i.split()[0].upper(), i.partition(" ")[2]) for i in lines if i and i[0] != "#"]


class TestImages:
    def test_each_service_builds_in_stages_and_runs_as_a_user(self, service: str) -> None:
        instructions = _dockerfile(service)
        stages = [args.split()[0] for op, args in instructions if op == "FROM"]
        copied = [re.search(r"--from=(\S+)", a) for op, a in instructions if op == "COPY"]
        assert len(stages) >= 2
        for image in stages + [m.group(1) for m in copied if m and ":" in m.group(1)]:
            assert PINNED.match(image), image
        final = instructions[max(i for i, (op, _) in enumerate(instructions) if op == "FROM") :]
        users = [args for op, args in final if op == "USER"]
        assert users and users[-1].split(":")[0] not in {"root", "0"}

    def test_each_image_starts_its_api_and_installs_every_workspace_member(
        self, service: str
    ) -> None:
        instructions = _dockerfile(service)
        command = json.loads(next(a for op, a in reversed(instructions) if op == "CMD"))
        assert command == api_command(service)
        exposed = {a for op, args in instructions if op == "EXPOSE" for a in args.split()}
        assert {str(api_port(service)), str(_worker_port(service))} <= exposed
        copies = " ".join(args for op, args in instructions if op == "COPY")
        for member in sorted(ROOT.glob("services/*/pyproject.toml")):
            assert str(member.relative_to(ROOT)) in copies, f"the lock also needs {member}"
        assert all("--no-dev" in a for op, a in instructions if op == "RUN" and "uv sync" in a)

    def test_the_images_differ_only_in_their_service(self) -> None:
        def generic(service: str) -> str:
            text = (ROOT / "services" / service / "Dockerfile").read_text()
            text = re.sub(r"COPY services/\S+/pyproject.toml .*\n", "", text)
            for own, placeholder in (
                (env_prefix(service), "<PREFIX>"),
                (service, "<SERVICE>"),
                (str(api_port(service)), "<PORT>"),
                (str(_worker_port(service)), "<METRICS_PORT>"),
            ):
                text = text.replace(own, placeholder)
            return text

        assert len({generic(service) for service in definitions()}) == 1

    def test_the_build_context_leaves_local_state_out(self) -> None:
        ignored = set((ROOT / ".dockerignore").read_text().split())
        assert {".git", ".venv", ".data", ".tools"} <= ignored


@pytest.fixture(params=sorted(definitions()))
def service(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def metric_names(expr: str) -> set[str]:
    """The series names a PromQL expression reads."""
    text = re.sub(r'"[^"]*"|\{[^}]*\}|\[[^\]]*\]', "", expr)
    text = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", text)
    words = set(re.findall(r"\b([a-zA-Z_:][\w:]*)\b(?!\s*\()", text))
    return words - PROMQL_WORDS


def _label_names(expr: str) -> set[str]:
    matchers = re.findall(r"\{([^}]*)\}", expr)
    grouped = re.findall(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)", expr)
    names = [n for m in matchers for n in re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", m)]
    return set(names) | {n.strip() for g in grouped for n in g.split(",") if n.strip()}


def _check_promql(expr: str) -> set[str]:
    """Assert that ``expr`` reads known series by known labels; return the metrics it reads."""
    series = metric_names(expr)
    metrics = {re.sub(r"_(bucket|sum|count)$", "", s) if s not in METRICS else s for s in series}
    assert metrics and metrics <= set(METRICS), f"unknown metric in {expr!r}: {metrics}"
    histogram = {"le"} if metrics & HISTOGRAMS else set()
    known = COMMON_LABELS | histogram | {label for m in metrics for label in METRICS[m]}
    assert _label_names(expr) <= known, f"unknown label in {expr!r}"
    return metrics


def _panels() -> list[dict[str, Any]]:
    dashboard = json.loads((DEPLOY / "grafana/dashboards/claims-pipeline.json").read_text())
    return [p for p in dashboard["panels"] if p["type"] != "row"]


class TestObservability:
    def test_prometheus_scrapes_every_api_and_worker(self) -> None:
        config = yaml.safe_load((DEPLOY / "prometheus/prometheus.yml").read_text())
        targets = {
            t
            for job in config["scrape_configs"]
            for c in job["static_configs"]
            for t in c["targets"]
        }
        for service in definitions():
            assert f"{service}-api:{api_port(service)}" in targets
            assert f"{service}-worker:{_worker_port(service)}" in targets
        for rules in config["rule_files"]:
            assert (DEPLOY / "prometheus" / rules).is_file()

    def test_the_dashboard_reads_only_known_metrics_and_shows_them_all(self) -> None:
        sources = yaml.safe_load(
            (DEPLOY / "grafana/provisioning/datasources/datasources.yaml").read_text()
        )
        uids = {s["uid"] for s in sources["datasources"]}
        shown: set[str] = set()
        for panel in _panels():
            assert panel["targets"], panel["title"]
            for target in panel["targets"]:
                assert target["datasource"]["uid"] in uids
                shown |= _check_promql(target["expr"])
        assert shown == set(METRICS)

    def test_alert_rules_read_known_metrics(self) -> None:
        rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text())
        for rule in (r for group in rules["groups"] for r in group["rules"]):
            _check_promql(rule["expr"])

    def test_the_promql_check_catches_misspellings(self) -> None:
        with pytest.raises(AssertionError):
            _check_promql("sum(rate(claimflow_events_consumd_total[5m]))")
        with pytest.raises(AssertionError):
            _check_promql("sum by (evnt_type) (rate(claimflow_events_consumed_total[5m]))")
        assert metric_names("histogram_quantile(0.9, sum by (le) (rate(x_bucket[1m])))") == {
            "x_bucket"
        }

    def test_the_collector_sends_traces_to_jaeger(self) -> None:
        config = yaml.safe_load((DEPLOY / "otel/collector.yaml").read_text())
        assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
        pipeline = config["service"]["pipelines"]["traces"]
        for part in ("receivers", "processors", "exporters"):
            assert set(pipeline[part]) <= set(config[part])
        endpoints = [config["exporters"][e]["endpoint"] for e in pipeline["exporters"]]
        assert [e.split(":")[0] for e in endpoints] == ["jaeger"]


Labels = dict[str, str]
PUBLIC_V4, PUBLIC_V6 = "93.184.215.14", "2606:2800:21f:cb07::1"
BACKENDS = {"postgres": 5432, "kafka": 9092, "observability": 4318}


def _ns(name: str) -> Labels:
    return {"kubernetes.io/metadata.name": name}


def _matches(selector: dict[str, Any], labels: Labels) -> bool:
    terms = selector.get("matchExpressions", [])
    assert all(t["operator"] in {"In", "NotIn"} for t in terms)
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()) and all(
        (labels.get(t["key"]) in t["values"]) == (t["operator"] == "In") for t in terms
    )


def _peer_matches(rule: dict[str, Any], home: str, peer: tuple[Labels, Labels, str]) -> bool:
    namespace, pod, ip = peer
    if "ipBlock" in rule:
        address, block = ipaddress.ip_address(ip or "0.0.0.0"), rule["ipBlock"]
        cidrs = [block["cidr"], *block.get("except", [])]
        inside = [address in ipaddress.ip_network(c) for c in cidrs]
        return bool(ip) and inside[0] and not any(inside[1:])
    in_namespace = (
        _matches(rule["namespaceSelector"], namespace)
        if "namespaceSelector" in rule
        else namespace == _ns(home)
    )
    return not ip and in_namespace and _matches(rule.get("podSelector", {}), pod)


def allowed(
    overlay: str,
    pod: Manifest,
    peer: tuple[Labels, Labels, str],
    port: int,
    *,
    inbound: bool,
    protocol: str = "TCP",
) -> bool:
    """Whether the overlay's NetworkPolicies let ``pod`` talk with ``peer`` on ``port``."""
    kind, key, side = ("Ingress", "ingress", "from") if inbound else ("Egress", "egress", "to")
    labels, named = pod["metadata"]["labels"], _named_ports(pod) if inbound else {}
    policies = [
        p["spec"]
        for p in of_kind(overlay, "NetworkPolicy").values()
        if kind in p["spec"]["policyTypes"] and _matches(p["spec"]["podSelector"], labels)
    ]

    def admits(rule: dict[str, Any]) -> bool:
        peers, ports = rule.get(side), rule.get("ports")
        return (not peers or any(_peer_matches(r, OVERLAYS[overlay], peer) for r in peers)) and (
            not ports
            or any(
                p.get("protocol", "TCP") == protocol and named.get(p["port"], p["port"]) == port
                for p in ports
            )
        )

    return not policies or any(admits(rule) for policy in policies for rule in policy.get(key, []))


def _named_ports(pod: Manifest) -> dict[str, int]:
    containers = pod["spec"]["containers"]
    return {p["name"]: p["containerPort"] for c in containers for p in c.get("ports", [])}


def _pods(overlay: str, component: str) -> list[Manifest]:
    templates = [
        m["spec"]["template"] for m in rendered(overlay) if m["kind"] in {"Deployment", "Job"}
    ]
    return [
        t for t in templates if t["metadata"]["labels"]["app.kubernetes.io/component"] == component
    ]


def _outside(address: str) -> tuple[Labels, Labels, str]:
    return {}, {}, address


def _in_cluster(namespace: str, **labels: str) -> tuple[Labels, Labels, str]:
    return _ns(namespace), labels, ""


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
class TestNetworkPolicies:
    def test_only_the_ingress_controller_and_prometheus_reach_the_apis(self, overlay: str) -> None:
        for pod in _pods(overlay, "api"):
            port = _named_ports(pod)["http"]
            for source in ("ingress-nginx", "monitoring"):
                assert allowed(overlay, pod, _in_cluster(source), port, inbound=True)
            assert not allowed(overlay, pod, _in_cluster("ingress-nginx"), port + 1, inbound=True)
            assert not allowed(overlay, pod, _in_cluster("default"), port, inbound=True)
            assert not allowed(overlay, pod, _in_cluster(OVERLAYS[overlay]), port, inbound=True)

    def test_workers_accept_only_scrapes(self, overlay: str) -> None:
        for pod in _pods(overlay, "worker"):
            port = _named_ports(pod)["metrics"]
            assert allowed(overlay, pod, _in_cluster("monitoring"), port, inbound=True)
            assert not allowed(overlay, pod, _in_cluster("ingress-nginx"), port, inbound=True)

    def test_apis_and_workers_reach_their_backends_and_nothing_else(self, overlay: str) -> None:
        for pod in _pods(overlay, "api") + _pods(overlay, "worker"):
            for namespace, port in BACKENDS.items():
                assert allowed(overlay, pod, _in_cluster(namespace), port, inbound=False)
                assert not allowed(overlay, pod, _in_cluster(namespace), 22, inbound=False)
            dns = _in_cluster("kube-system", **{"k8s-app": "kube-dns"})
            assert allowed(overlay, pod, dns, 53, inbound=False, protocol="UDP")
            assert not allowed(overlay, pod, _in_cluster("default"), 443, inbound=False)
            webhooks = pod["metadata"]["labels"] == {
                **pod["metadata"]["labels"],
                "app.kubernetes.io/name": "notifications",
                "app.kubernetes.io/component": "worker",
            }
            assert allowed(overlay, pod, _outside(PUBLIC_V4), 443, inbound=False) is webhooks

    def test_webhooks_go_to_public_addresses_on_443_only(self, overlay: str) -> None:
        (pod,) = [
            p
            for p in _pods(overlay, "worker")
            if p["metadata"]["labels"]["app.kubernetes.io/name"] == "notifications"
        ]
        assert allowed(overlay, pod, _outside(PUBLIC_V6), 443, inbound=False)
        assert not allowed(overlay, pod, _outside(PUBLIC_V4), 80, inbound=False)
        for private in ("10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "fd00::1"):
            assert not allowed(overlay, pod, _outside(private), 443, inbound=False)

    def test_the_migration_job_reaches_only_postgres(self, overlay: str) -> None:
        (pod,) = _pods(overlay, "migrate")
        assert allowed(overlay, pod, _in_cluster("postgres"), 5432, inbound=False)
        assert not allowed(overlay, pod, _in_cluster("kafka"), 9092, inbound=False)
