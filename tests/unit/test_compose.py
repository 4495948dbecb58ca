"""deploy/docker-compose.yml agrees with the code: one container per service with its settings prefix, the ports of
the settings classes, the topics of contracts.topics, health-gated start-up. No Docker needed: the file is parsed."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

from contracts.topics import ALL_TOPICS, PARTITIONS
from servicekit.service import MAX_MESSAGE_BYTES
from servicekit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
CONTAINERS = COMPOSE["services"]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists())
SECRET = "a-test-secret-of-32-characters!!"

_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


def resolve(value: object, given: dict[str, str] | None = None) -> str:
    """Interpolate like compose with an empty deploy/.env: ``${X:-d}`` → d, ``${X:?m}`` and ``${X}`` → given[X]."""
    given = given or {}

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if name in given:
            return given[name]
        if op == ":-":
            return arg
        raise KeyError(f"${{{name}}} has no default")

    return _VARIABLE.sub(one, str(value))


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"{service}.config")
    found = [
        obj for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, ServiceSettings) and obj is not ServiceSettings
    ]
    assert len(found) == 1, f"{service}.config should define one settings class, found {found}"
    return found[0]


def prefix(service: str) -> str:
    return settings_class(service).model_config["env_prefix"]


def environment(service: str) -> dict[str, str]:
    env = CONTAINERS[service]["environment"]
    assert isinstance(env, dict), f"{service}: write environment as a mapping"
    return {key: resolve(value, {"MATCHING_LINK_SECRET": SECRET}) for key, value in env.items()}


def test_the_services_are_found():
    assert SERVICES == ["matching", "notifications", "registration", "scheduling"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_a_container_running_its_module(service):
    container = CONTAINERS[service]
    assert container["command"] == ["python", "-m", service]
    assert container["build"] == {"context": "..", "dockerfile": "deploy/docker/Dockerfile"}
    assert container["restart"] == "unless-stopped"


@pytest.mark.parametrize("service", SERVICES)
def test_prefix_of_each_service(service):
    assert prefix(service) == f"{service.upper()}_"


@pytest.mark.parametrize("service", SERVICES)
def test_port_is_the_settings_default_published_on_loopback(service):
    port = settings_class(service).model_fields["http_port"].default
    env = environment(service)
    assert env[f"{prefix(service)}HTTP_PORT"] == str(port)
    assert env[f"{prefix(service)}HTTP_HOST"] == "0.0.0.0", "the default 127.0.0.1 is unreachable outside the container"
    assert [resolve(p) for p in CONTAINERS[service]["ports"]] == [f"127.0.0.1:{port}:{port}"]
    probe = " ".join(CONTAINERS[service]["healthcheck"]["test"])
    assert f"http://127.0.0.1:{port}/ready" in probe


def test_ports_are_distinct():
    ports = [settings_class(s).model_fields["http_port"].default for s in SERVICES]
    assert len(set(ports)) == len(ports)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_reaches_kafka_and_mongodb_through_its_prefix(service):
    env = environment(service)
    assert env[f"{prefix(service)}KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env[f"{prefix(service)}MONGO_URL"] == "mongodb://mongodb:27017"


@pytest.mark.parametrize("service", SERVICES)
def test_every_variable_set_is_a_setting_of_that_service(service):
    fields = set(settings_class(service).model_fields)
    for key in CONTAINERS[service]["environment"]:
        assert key.startswith(prefix(service)), f"{service}: {key} is not read by {service}"
        assert key.removeprefix(prefix(service)).lower() in fields, f"{service}: {key} is no setting"


@pytest.mark.parametrize("service", SERVICES)
def test_the_settings_accept_the_compose_environment(service, monkeypatch):
    for key in list(__import__("os").environ):
        if key.startswith(prefix(service)):
            monkeypatch.delenv(key)
    for key, value in environment(service).items():
        monkeypatch.setenv(key, value)
    settings = settings_class(service)()
    assert settings.kafka_bootstrap == "kafka:9092"
    assert settings.http_host == "0.0.0.0"


@pytest.mark.parametrize("service", SERVICES)
def test_services_start_after_kafka_mongodb_and_the_topics(service):
    depends = CONTAINERS[service]["depends_on"]
    assert depends["kafka"]["condition"] == "service_healthy"
    assert depends["mongodb"]["condition"] == "service_healthy"
    assert depends["topics"]["condition"] == "service_completed_successfully"
    assert CONTAINERS["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_notifications_send_to_mailpit_by_default():
    env = environment("notifications")
    assert env["NOTIFICATIONS_SMTP_HOST"] == "mailpit"
    assert env["NOTIFICATIONS_SMTP_PORT"] == "1025"
    assert "mailpit" in CONTAINERS["notifications"]["depends_on"]


def test_the_link_secret_has_no_default():
    raw = CONTAINERS["matching"]["environment"]["MATCHING_LINK_SECRET"]
    assert raw.startswith("${MATCHING_LINK_SECRET:?"), "compose must refuse to start without a secret"
    with pytest.raises(KeyError):
        resolve(raw)


def test_topics_are_the_contracts_topics():
    env = CONTAINERS["topics"]["environment"]
    names = env["TOPICS"].split()
    assert len(names) == len(set(names))
    assert set(names) == set(ALL_TOPICS)
    assert int(env["PARTITIONS"]) == PARTITIONS
    assert int(env["DLQ_MAX_MESSAGE_BYTES"]) == MAX_MESSAGE_BYTES
    assert int(CONTAINERS["kafka"]["environment"]["KAFKA_NUM_PARTITIONS"]) == PARTITIONS
    assert "create-topics.sh" in " ".join(CONTAINERS["topics"]["entrypoint"])
    assert CONTAINERS["topics"]["restart"] == "no"


def test_the_topic_script_is_mounted_and_creates_idempotently():
    mount = CONTAINERS["topics"]["volumes"][0]
    source, target, mode = mount.split(":")
    script = DEPLOY / source
    assert script.exists() and mode == "ro" and target in CONTAINERS["topics"]["entrypoint"]
    text = script.read_text()
    assert "--if-not-exists" in text and "max.message.bytes" in text and "*.dlq)" in text


def test_kafka_is_a_single_kraft_node_reachable_as_kafka_9092():
    env = {k: resolve(v) for k, v in CONTAINERS["kafka"]["environment"].items()}
    assert CONTAINERS["kafka"]["image"].startswith("${KAFKA_IMAGE:-apache/kafka:4.")
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert "HOST://127.0.0.1:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "KAFKA_DEFAULT_REPLICATION_FACTOR"):
        assert env[key] == "1"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "kafka-broker-api-versions.sh" in " ".join(CONTAINERS["kafka"]["healthcheck"]["test"])


def test_mongodb_is_a_single_node_with_a_ping_healthcheck():
    assert resolve(CONTAINERS["mongodb"]["image"]) == "mongo:7"
    assert "mongosh" in CONTAINERS["mongodb"]["healthcheck"]["test"]


def test_data_lives_in_named_volumes():
    volumes = set(COMPOSE["volumes"])
    assert "kafka-data:/var/lib/kafka/data" in CONTAINERS["kafka"]["volumes"]
    assert "mongo-data:/data/db" in CONTAINERS["mongodb"]["volumes"]
    assert {"kafka-data", "mongo-data"} <= volumes


def test_every_published_port_is_on_loopback_and_every_long_runner_restarts():
    for name, container in CONTAINERS.items():
        for port in container.get("ports", []):
            assert resolve(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond this machine"
        if name != "topics":
            assert container["restart"] == "unless-stopped", name
            assert "healthcheck" in container, name


def test_env_example_names_only_known_variables():
    interpolated = set(_VARIABLE.findall((DEPLOY / "docker-compose.yml").read_text()))
    interpolated = {name for name, _, _ in interpolated}
    settings = {f"{prefix(s)}{field.upper()}" for s in SERVICES for field in settings_class(s).model_fields}
    named = re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (DEPLOY / ".env.example").read_text(), flags=re.M)
    assert "MATCHING_LINK_SECRET" in named
    unknown = [name for name in named if name not in interpolated | settings]
    assert not unknown, f"deploy/.env.example names variables nothing reads: {unknown}"


def test_the_image_installs_every_workspace_member():
    dockerfile = (DEPLOY / "docker" / "Dockerfile").read_text()
    for service in SERVICES:
        assert f"COPY services/{service}/pyproject.toml services/{service}/" in dockerfile
    assert "uv sync --frozen --no-dev --all-packages" in dockerfile
    ignore = (DEPLOY / "docker" / "Dockerfile.dockerignore").read_text().split()
    assert {"!uv.lock", "!services/*/src/**", "!contracts/src/**", "!libs/servicekit/src/**"} <= set(ignore)


def test_operating_guide_names_every_setting():
    text = (ROOT / "docs" / "operating.md").read_text()
    assert "## Configuration" in text, "docs/operating.md lost its Configuration section"
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = []
    for service in SERVICES:
        cls = settings_class(service)
        for field in cls.model_fields:
            own = f"`{prefix(service)}{field.upper()}`"
            shared = f"`{field.upper()}`" if field in ServiceSettings.model_fields else None
            if own not in section and (shared is None or shared not in section):
                missing.append(f"{prefix(service)}{field.upper()}")
    assert not missing, f"docs/operating.md, Configuration, does not describe: {missing}"
