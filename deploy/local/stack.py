"""The local stack for machines without Docker: Kafka (KRaft, from Maven Central jars), FerretDB (SQLite),
an SMTP sink writing a Maildir, the topics, and the four services as processes.

    python deploy/local/stack.py up | down | status | start NAME | stop NAME | kill NAME | reset

All state lives under .stack/ (git-ignored): downloaded jars and the built launcher in .stack/cache and
.stack/bin, data in .stack/data, one log per process in .stack/logs, pid files in .stack/run.
The first `up` downloads and builds (a few minutes, with progress); later runs reuse the caches.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
STATE = ROOT / ".stack"
CACHE, BIN, DATA, LOGS, RUN = (STATE / d for d in ("cache", "bin", "data", "logs", "run"))
KAFKA_LIBS = CACHE / "kafka-libs"
LAUNCHER = BIN / "ferretdb-launcher"
MAILDIR = DATA / "maildir"

KAFKA_PORT, CONTROLLER_PORT, MONGO_PORT, SMTP_PORT = 9092, 9093, 27017, 1025
SERVICES = {"registration": 8001, "matching": 8002, "scheduling": 8003, "notifications": 8004}


def say(text: str) -> None:
    print(f"[stack] {text}", flush=True)


def fail(text: str) -> None:
    print(f"[stack] ERROR: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


@dataclass
class Component:
    name: str
    address: str
    port: int
    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    ready_url: str | None = None

    @property
    def pid_file(self) -> Path:
        return RUN / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return LOGS / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None


# --- provisioning ---------------------------------------------------------------------------------------------------


def ensure_kafka_jars() -> None:
    marker = KAFKA_LIBS / ".complete"
    pom = HERE / "kafka" / "pom.xml"
    if marker.exists() and marker.read_text() == pom.read_text():
        return
    if not shutil.which("mvn") or not shutil.which("java"):
        fail("Kafka needs Java 17+ and Maven on the PATH (apt-get install openjdk-17-jre-headless maven)")
    say("Downloading Apache Kafka and its dependencies from Maven Central into .stack/cache (first run only, ~45 MB)")
    shutil.rmtree(KAFKA_LIBS, ignore_errors=True)
    KAFKA_LIBS.mkdir(parents=True)
    command = [
        "mvn", "-B", "-f", str(pom),
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
        f"-DoutputDirectory={KAFKA_LIBS}", "-DincludeScope=runtime",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        assert proc.stdout is not None
        tail: list[str] = []
        for line in proc.stdout:
            tail = (tail + [line.rstrip()])[-30:]
            if line.startswith("Downloaded from"):
                say("  got " + line.split("/")[-1].split(" ")[0])
    if proc.returncode != 0:
        print("\n".join(tail), file=sys.stderr)
        fail("Maven could not fetch the Kafka jars (see above); check that Maven Central is reachable, then run again")
    marker.write_text(pom.read_text())
    say(f"Kafka jars ready: {len(list(KAFKA_LIBS.glob('*.jar')))} jars")


# FerretDB 1.24.2 finds a document by `_ferretdb_sjson->'$._id'`, but the unique index it creates on every table is
# on `_ferretdb_sjson->"_id"`. SQLite uses an expression index only for the same expression, so every find, update
# and delete by _id read and parsed the whole table (ADR 0007). The launcher is built against a copy of the module
# with the lookup written like the index; the module itself is fetched and checked against go.sum as usual.
FERRETDB_PATCH = (
    "internal/backends/sqlite/metadata/metadata.go",
    """IDColumn = DefaultColumn + "->'$._id'\"""",
    """IDColumn = DefaultColumn + "->'_id'\"""",
)


def ensure_launcher() -> None:
    folder = HERE / "ferretdb"
    recipe = hashlib.sha256(repr(FERRETDB_PATCH).encode())
    for name in ("main.go", "go.mod", "go.sum"):
        recipe.update((folder / name).read_bytes())
    stamp = BIN / "ferretdb-launcher.recipe"
    if LAUNCHER.exists() and stamp.exists() and stamp.read_text() == recipe.hexdigest():
        return
    if not shutil.which("go"):
        fail("the FerretDB launcher needs Go 1.24+ on the PATH (https://go.dev/dl or apt-get install golang)")
    say("Building the FerretDB launcher from its Go module (first run only, 1-3 minutes)")
    BIN.mkdir(parents=True, exist_ok=True)
    modfile = corrected_ferretdb(folder)
    proc = subprocess.Popen(
        ["go", "build", "-v", f"-modfile={modfile}", "-o", str(LAUNCHER), "."], cwd=folder,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert proc.stdout is not None
    count, tail = 0, []
    for line in proc.stdout:
        count += 1
        tail = (tail + [line.rstrip()])[-30:]
        if count % 40 == 0:
            say(f"  compiled {count} packages ...")
    if proc.wait() != 0:
        print("\n".join(tail), file=sys.stderr)
        fail("building the FerretDB launcher failed (see above); check that the Go module proxy is reachable")
    stamp.write_text(recipe.hexdigest())
    say("FerretDB launcher built")


def corrected_ferretdb(folder: Path) -> Path:
    """Copy the FerretDB module (fetched and verified by Go) with FERRETDB_PATCH applied, and write a go.mod for the
    launcher that builds against that copy. Returns the go.mod's path."""
    proc = subprocess.run(
        ["go", "mod", "download", "-json", "github.com/FerretDB/FerretDB"], cwd=folder, capture_output=True, text=True
    )
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr, file=sys.stderr)
        fail("could not fetch the FerretDB module (see above); check that the Go module proxy is reachable")
    build = CACHE / "ferretdb-build"
    source = build / "FerretDB"
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(json.loads(proc.stdout)["Dir"], source, copy_function=shutil.copyfile)
    relative, wrong, right = FERRETDB_PATCH
    text = (source / relative).read_text()
    if text.count(wrong) != 1:
        fail(f"{relative} of FerretDB no longer reads as FERRETDB_PATCH in deploy/local/stack.py expects; "
             "check whether the version in deploy/local/ferretdb/go.mod still needs the correction")
    (source / relative).write_text(text.replace(wrong, right))
    modfile = build / "go.mod"
    modfile.write_text((folder / "go.mod").read_text() + f"\nreplace github.com/FerretDB/FerretDB => {source}\n")
    shutil.copyfile(folder / "go.sum", build / "go.sum")
    return modfile


def kafka_config() -> Path:
    config = STATE / "kafka" / "server.properties"
    config.parent.mkdir(parents=True, exist_ok=True)
    text = (HERE / "kafka" / "server.properties.template").read_text()
    for key, value in {
        "@KAFKA_PORT@": str(KAFKA_PORT), "@CONTROLLER_PORT@": str(CONTROLLER_PORT), "@DATA_DIR@": str(DATA / "kafka"),
    }.items():
        text = text.replace(key, value)
    config.write_text(text)
    meta = DATA / "kafka" / "meta.properties"
    if not meta.exists():
        say("Formatting Kafka storage (KRaft)")
        cluster_id = STATE / "kafka" / "cluster-id"
        if not cluster_id.exists():
            cluster_id.write_text(
                subprocess.run(java("kafka.tools.StorageTool", "random-uuid"), capture_output=True, text=True, check=True)
                .stdout.strip()
            )
        subprocess.run(
            java("kafka.tools.StorageTool", "format", "--standalone", "-t", cluster_id.read_text().strip(),
                 "-c", str(config), "--ignore-formatted"),
            check=True, stdout=subprocess.DEVNULL,
        )
    return config


def java(main_class: str, *args: str, heap: str = "256m") -> list[str]:
    # Only the quick JIT compiler (C1): the optimising one spent 6 s of CPU while the stack started and 7 s more during
    # the first 400 registrations on two cores (more than the broker's own request handling), and the requests were
    # handled no slower without it (docs/benchmarks.md).
    return [
        "java", f"-Xmx{heap}", f"-Xms{heap}", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={HERE / 'kafka' / 'log4j2.properties'}", f"-Dkafka.logs.dir={LOGS}",
        "-cp", f"{KAFKA_LIBS}/*", main_class, *args,
    ]


def infrastructure() -> list[Component]:
    python = sys.executable
    return [
        Component("kafka", f"127.0.0.1:{KAFKA_PORT}", KAFKA_PORT),
        Component("ferretdb", f"mongodb://127.0.0.1:{MONGO_PORT}", MONGO_PORT,
                  [str(LAUNCHER), "-listen", f"127.0.0.1:{MONGO_PORT}", "-dir", str(DATA / "ferretdb")]
                  + (["-pprof", os.environ["FERRETDB_PPROF"]] if os.environ.get("FERRETDB_PPROF") else []),
                  # Go's collector ran every 100 % of heap growth and took a fifth of FerretDB's CPU under load; at
                  # 400 % FerretDB spends ~20 % less CPU per registration for some tens of MB more (docs/benchmarks.md).
                  env={"GOGC": "400"}),
        Component("smtp", f"127.0.0.1:{SMTP_PORT} -> {MAILDIR.relative_to(ROOT)}", SMTP_PORT,
                  [python, str(HERE / "smtp_sink.py"), "--port", str(SMTP_PORT), "--maildir", str(MAILDIR)]),
    ]


def services() -> list[Component]:
    return [
        Component(name, f"http://127.0.0.1:{port}", port, [sys.executable, "-m", name],
                  env={f"{name.upper()}_HTTP_PORT": str(port)}, ready_url=f"http://127.0.0.1:{port}/ready")
        for name, port in SERVICES.items()
    ]


def components() -> dict[str, Component]:
    return {c.name: c for c in infrastructure() + services()}


# --- processes ------------------------------------------------------------------------------------------------------


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def url_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def launch(component: Component) -> subprocess.Popen | None:
    """Start the process unless it runs already; readiness is waited for separately."""
    if component.pid():
        return None
    if port_open(component.port):
        fail(f"port {component.port} for {component.name} is taken by another process; stop it, then run again")
    if component.name == "kafka":
        component.command = java("kafka.Kafka", str(kafka_config()), heap="512m")
    for folder in (LOGS, RUN):
        folder.mkdir(parents=True, exist_ok=True)
    log = component.log_file.open("ab")
    proc = subprocess.Popen(
        component.command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        env={**os.environ, **component.env}, start_new_session=True,
    )
    component.pid_file.write_text(str(proc.pid))
    return proc


def wait_ready(component: Component, proc: subprocess.Popen | None, timeout: float = 120) -> None:
    if proc is None:
        return
    deadline = time.monotonic() + timeout
    while True:
        ready = url_ok(component.ready_url) if component.ready_url else port_open(component.port)
        if ready:
            say(f"{component.name:<14} up at {component.address}")
            return
        if proc.poll() is not None or time.monotonic() > deadline:
            lines = component.log_file.read_text(errors="replace").splitlines()[-25:]
            print("\n".join(lines), file=sys.stderr)
            if proc.poll() is None:
                proc.kill()
            component.pid_file.unlink(missing_ok=True)
            fail(f"{component.name} did not become ready; its log is {component.log_file} (last lines above)")
        time.sleep(0.2)


def start(*components: Component) -> None:
    """Start the components together and wait until each is ready."""
    launched = [(component, launch(component)) for component in components]
    for component, proc in launched:
        wait_ready(component, proc)


def stop(component: Component, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    pid = component.pid()
    if pid is None:
        component.pid_file.unlink(missing_ok=True)
        return
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while component.pid() and time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
        except ChildProcessError:
            pass
        time.sleep(0.1)
    if component.pid():
        os.killpg(pid, signal.SIGKILL)
    component.pid_file.unlink(missing_ok=True)


async def create_topics() -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    sys.path.insert(0, str(ROOT / "contracts" / "src"))
    from contracts.topics import ALL_TOPICS, PARTITIONS

    admin = AIOKafkaAdminClient(bootstrap_servers=f"127.0.0.1:{KAFKA_PORT}", client_id="stack")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in ALL_TOPICS if t not in existing]
        if missing:
            await admin.create_topics([
                NewTopic(t, PARTITIONS, 1, topic_configs={"max.message.bytes": str(4 * 1024 * 1024)} if t.endswith(".dlq") else {})
                for t in missing
            ])
            say(f"created {len(missing)} topics ({PARTITIONS} partitions each): {', '.join(missing)}")
    finally:
        await admin.close()


# --- commands -------------------------------------------------------------------------------------------------------


def up(with_services: bool = True) -> None:
    started = time.monotonic()
    for folder in (DATA / "kafka", DATA / "ferretdb", MAILDIR, LOGS, RUN):
        folder.mkdir(parents=True, exist_ok=True)
    ensure_kafka_jars()
    ensure_launcher()
    for component in infrastructure():
        start(component)
    asyncio.run(create_topics())
    if with_services:
        say("starting the four services")
        start(*services())
    say(f"stack is up ({time.monotonic() - started:.1f} s); `make stack-status` shows it, `make stack-down` stops it")


def down() -> None:
    for component in reversed(list(components().values())):
        if component.pid():
            say(f"stopping {component.name}")
        stop(component)
    say("stack is down; data stays in .stack/data (`python deploy/local/stack.py reset` wipes it)")


def status() -> int:
    all_up = True
    print(f"{'component':<14} {'state':<8} {'pid':<8} {'address':<46} log")
    for component in components().values():
        pid = component.pid()
        all_up &= pid is not None
        state = "running" if pid else "stopped"
        log = component.log_file.relative_to(ROOT)
        print(f"{component.name:<14} {state:<8} {pid or '-':<8} {component.address:<46} {log}")
    messages = len(list((MAILDIR / "new").glob("*"))) if (MAILDIR / "new").exists() else 0
    print(f"\ne-mails in the Maildir: {messages} ({MAILDIR.relative_to(ROOT)}/new)")
    return 0 if all_up else 3


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, names = argv[0], argv[1:]
    every = components()
    if command == "up":
        up(with_services="--no-services" not in names)
    elif command == "down":
        down()
    elif command == "status":
        return status()
    elif command == "reset":
        down()
        shutil.rmtree(DATA, ignore_errors=True)
        shutil.rmtree(STATE / "kafka", ignore_errors=True)
        say("data wiped")
    elif command in ("start", "stop", "kill"):
        unknown = [n for n in names if n not in every]
        if unknown or not names:
            fail(f"name one or more of: {', '.join(every)}")
        for name in names:
            if command == "start":
                start(every[name])
            else:
                stop(every[name], signal.SIGKILL if command == "kill" else signal.SIGTERM)
                say(f"{name} {'killed' if command == 'kill' else 'stopped'}")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
