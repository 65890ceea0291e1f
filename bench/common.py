"""What every benchmark shares: a prepared database, gunicorn servers on loopback, and wrk.

A benchmark is a function ``run(bench: Bench) -> list[Result]`` (see bench/api_spaces.py).
``Bench`` prepares a throw-away instance (temp SQLite by default, or ``--database-url``), migrates
and seeds it with the real CLI, and starts servers that are always stopped again, even on error.
Results are ``Measurement`` (HTTP through gunicorn, against the bare app), ``Timing`` (a
function called in-process, with ``Bench.app()``) or ``Note`` (text to keep, e.g. a query plan).
"""
from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
BARE_NAME = "bare Flask hello (baseline)"
BARE_PATH = "/hello"
WRK_INSTALL_HINT = (
    "wrk (the load generator) is not installed. On Debian or Ubuntu: "
    "`apt-get update && apt-get install -y wrk` (as root, or with sudo)."
)
SETUP_TIMEOUT_SECONDS = 180
SERVER_START_TIMEOUT_SECONDS = 30


class BenchError(RuntimeError):
    """Something the person running the benchmark must fix; shown as a plain message."""


@dataclass(frozen=True)
class Settings:
    duration: int = 10
    warmup: int = 2
    threads: int = 2
    connections: int = 16
    workers: int = 2
    repeat: int = 1
    database_url: str | None = None

    def gunicorn_args(self) -> list[str]:
        """The one set of gunicorn settings every server in a run gets, baseline included."""
        return ["--workers", str(self.workers), "--worker-class", "sync", "--timeout", "30",
                "--graceful-timeout", "5", "--log-level", "warning"]

    def describe(self) -> str:
        return (f"gunicorn -w {self.workers} -k sync; wrk -t{self.threads} -c{self.connections} "
                f"-d{self.duration}s after a {self.warmup}s warm-up; each entry alternated with the "
                f"bare app in {self.repeat} round(s), median round shown")


@dataclass
class Measurement:
    name: str
    requests_per_sec: float
    latency_avg_ms: float
    latency_p99_ms: float
    requests: int
    non_2xx: int = 0
    socket_errors: int = 0
    # The bare app's figure from the same round, and this figure divided by it.
    bare_requests_per_sec: float | None = None
    ratio_to_bare: float | None = None
    # CPU the server's processes spent per request: steadier than req/s on a shared machine.
    server_cpu_ms_per_request: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Timing:
    """Many timed calls of one function in-process: the median and the 95th percentile."""

    name: str
    samples: int
    median_ms: float
    p95_ms: float
    # What the figure is per: e.g. "100,000 bookings in the table".
    context: str = ""
    # CPU time of this process per call (the median): steadier than the clock on a shared
    # machine, but it leaves out a database server's own work (PostgreSQL).
    cpu_median_ms: float | None = None
    # Calls per second, where a rate is the point (booking creation).
    per_second: float | None = None

    @classmethod
    def of(cls, name: str, calls: list[Call], context: str = "", rate: bool = False) -> Timing:
        seconds = sorted(call.seconds for call in calls)
        p95 = seconds[min(len(seconds) - 1, math.ceil(0.95 * len(seconds)) - 1)]
        return cls(name=name, samples=len(seconds), median_ms=1000 * statistics.median(seconds),
                   p95_ms=1000 * p95, context=context,
                   cpu_median_ms=1000 * statistics.median(call.cpu_seconds for call in calls),
                   per_second=len(seconds) / sum(seconds) if rate else None)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Call:
    """One timed call: wall-clock seconds, this process's CPU seconds, and what it returned."""

    seconds: float
    cpu_seconds: float
    result: object = None


def timed(function, *args, **kwargs) -> Call:
    started, cpu_started = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return Call(time.perf_counter() - started, time.process_time() - cpu_started, result)


@dataclass
class Note:
    """Text a benchmark found worth keeping beside its figures (a query plan, a profile)."""

    title: str
    text: str

    def as_dict(self) -> dict:
        return asdict(self)


Result = Measurement | Timing | Note


def machine_info() -> dict:
    """What the figures were measured on (for docs/benchmarks.md)."""
    cpu_model = "unknown"
    ram_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "started": time.strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu_model,
        "ram_gib": ram_gib,
        "python": sys.version.split()[0],
        "wrk": wrk_version(),
        # Other work on the machine skews every figure; a load well below nproc is a fair run.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


# --- wrk -------------------------------------------------------------------------------------

def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise BenchError(WRK_INSTALL_HINT)
    return path


def wrk_version() -> str | None:
    path = shutil.which("wrk")
    if path is None:
        return None
    # wrk prints its version in the usage text and exits non-zero; that is expected.
    result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    first_line = (result.stdout or result.stderr).splitlines()[:1]
    return first_line[0].split(" [")[0] if first_line else None


_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _TIME_UNITS_MS[match.group(2)]


def parse_wrk_output(name: str, text: str) -> Measurement:
    """wrk's text report (run with --latency) to a Measurement."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if rps is None:
        raise BenchError(f"could not read Requests/sec from wrk's output:\n{text}")
    latency = re.search(r"^\s+Latency\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    requests = re.search(r"^\s+(\d+) requests in", text, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return Measurement(
        name=name,
        requests_per_sec=float(rps.group(1)),
        latency_avg_ms=_to_ms(latency.group(1)) if latency else float("nan"),
        latency_p99_ms=_to_ms(p99.group(1)) if p99 else float("nan"),
        requests=int(requests.group(1)) if requests else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
    )


def run_wrk(url: str, *, duration: int, settings: Settings, headers: dict[str, str] | None = None) -> str:
    """One bounded wrk run against a loopback URL; returns wrk's report."""
    if urlsplit(url).hostname != LOOPBACK:
        raise BenchError(f"benchmarks only load loopback servers, not {url}")
    command = [require_wrk(), f"-t{settings.threads}", f"-c{settings.connections}", f"-d{duration}s",
               "--timeout", "5s", "--latency"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    command.append(url)
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return result.stdout


# --- servers ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def http_get(url: str, headers: dict[str, str] | None = None, timeout: float = 5) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_until_listening(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}:\n{_tail(log_path)}")
        try:
            http_get(base_url + "/", timeout=1)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within {SERVER_START_TIMEOUT_SECONDS}s:\n{_tail(log_path)}")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the master (it stops its workers); SIGKILL to the whole group if it hangs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it answers, and its master's pid (its workers are the children)."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers (user + system)."""
        return sum(_cpu_seconds(pid) for pid in [self.pid, *_children(self.pid)])


def _stat_fields(pid: int) -> list[str]:
    # The command name (field 2) may hold spaces, so split after its closing parenthesis.
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def _children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == parent:
                    pids.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile
    return pids


def _cpu_seconds(pid: int) -> float:
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of /proc/PID/stat, i.e. 11 and 12 after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn_server(app_spec: str, *, env: dict[str, str], settings: Settings, log_dir: Path):
    """Serve ``app_spec`` (e.g. ``wsgi:app``) on a free loopback port; yields a Server."""
    port = free_port()
    log_path = log_dir / f"gunicorn-{app_spec.replace(':', '-')}-{port}.log"
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "--bind", f"{LOOPBACK}:{port}",
               *settings.gunicorn_args(), app_spec]
    with open(log_path, "wb") as log:
        # Its own process group, so a hung server and its workers can be killed together.
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        server = Server(url=f"http://{LOOPBACK}:{port}", pid=process.pid)
        _wait_until_listening(server.url, process, log_path)
        yield server
    finally:
        _stop(process)


# --- the prepared instance -------------------------------------------------------------------

def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _refuse_shared_databases(database_url: str) -> None:
    # The test suite drops the schema of its database; a benchmark must never share one with it.
    if urlsplit(database_url).path.lstrip("/") == "test":
        raise BenchError("use a database of its own for benchmarks (e.g. .../bench), not the test database")


class Bench:
    """One benchmark run: a temp instance, migrated and seeded, the bare baseline server (started
    when first needed), helpers to start more servers and measure them, and the app in-process.

    Use as a context manager; everything it made (servers, temp folder) is gone afterwards.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.workdir: Path | None = None
        self.env: dict[str, str] = {}
        self.database_url = ""
        self.bare_server: Server | None = None
        self.bare_runs: list[Measurement] = []
        self._cleanup = ExitStack()

    def __enter__(self) -> Bench:
        try:
            self._prepare()
        except BaseException:
            self._cleanup.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self._cleanup.close()

    def _prepare(self) -> None:
        tempdir = self._cleanup.enter_context(tempfile.TemporaryDirectory(prefix="coworking-bench-"))
        self.workdir = Path(tempdir)
        database_url = self.settings.database_url or f"sqlite:///{self.workdir / 'bench.sqlite'}"
        _refuse_shared_databases(database_url)
        self.env = {
            **os.environ,
            "COWORKING_ENV": "development",
            "COWORKING_INSTANCE": str(self.workdir / "instance"),
            "DATABASE_URL": database_url,
            # One key for the CLI, the servers and the in-process app: feed links derive from it.
            "SECRET_KEY": secrets.token_hex(32),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        progress(f"Preparing {urlsplit(database_url).scheme} database: db upgrade, seed-demo")
        self.database_url = database_url
        self.flask("db", "upgrade")
        self.flask("seed-demo")

    def _bare(self) -> Server:
        """The baseline server, started on first use (in-process benchmarks never need it)."""
        if self.bare_server is None:
            # Registered after the temp folder, so it is stopped before the folder goes.
            self.bare_server = self._cleanup.enter_context(self.server("bench.hello_app:app"))
        return self.bare_server

    @contextmanager
    def app(self, **config):
        """The real app in this process, on the bench database, with an app context pushed.

        For in-process timings: the same services a request calls, on the same data. ``config``
        overrides settings (e.g. a rate limit a benchmark would otherwise run into).
        """
        from config import normalise_database_url
        from coworking import create_app
        from coworking.extensions import db

        app = create_app({
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(self.database_url),
            "SECRET_KEY": self.env["SECRET_KEY"],
            "BASE_URL": "http://127.0.0.1",
            "MAIL_SERVER": None,
            **config,
        })
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()

    def flask(self, *args: str) -> str:
        """Run ``flask --app coworking ARGS`` against the bench instance; returns its stdout."""
        command = [sys.executable, "-m", "flask", "--app", "coworking", *args]
        try:
            result = subprocess.run(command, env=self.env, cwd=ROOT, capture_output=True, text=True,
                                    timeout=SETUP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"`flask {' '.join(args)}` took over {SETUP_TIMEOUT_SECONDS}s") from error
        if result.returncode != 0:
            raise BenchError(f"`flask {' '.join(args)}` failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def api_token(self, email: str) -> str:
        return self.flask("tokens", "create", "--email", email, "--name", "benchmark").strip()

    def server(self, app_spec: str, **env: str):
        return gunicorn_server(app_spec, env={**self.env, **env}, settings=self.settings, log_dir=self.workdir)

    def app_server(self, **env: str):
        """The real app, exactly as production starts it (``gunicorn wsgi:app``); ``env`` adds
        settings (``API_ANSWER_CACHE_BYTES="0"``: every polled answer built, none kept)."""
        return self.server("wsgi:app", **env)

    def _load(self, name: str, server: Server, path: str, headers: dict[str, str] | None) -> Measurement:
        """One timed wrk run, with the server's CPU time per request."""
        cpu_before = server.cpu_seconds()
        report = run_wrk(server.url + path, duration=self.settings.duration, settings=self.settings, headers=headers)
        cpu_used = server.cpu_seconds() - cpu_before
        result = parse_wrk_output(name, report)
        result.server_cpu_ms_per_request = 1000 * cpu_used / max(result.requests, 1)
        return result

    def measure(self, name: str, server: Server, path: str, headers: dict[str, str] | None = None,
                expect_status: int = 200) -> Measurement:
        """Measure ``server`` at ``path`` against the bare baseline, alternating the two in each round.

        Alternating means both see the same background load, so the ratio of each round holds
        even on a busy machine; the result is the median round. The URL must answer
        ``expect_status`` (200, or 304 for a conditional request) first, or the figure would
        measure error pages.
        """
        # Generous: on a busy machine the server may still be answering the last run's backlog.
        status, body = http_get(server.url + path, headers, timeout=60)
        if status != expect_status:
            raise BenchError(f"{name}: GET {path} answered {status}, not {expect_status}:\n"
                             f"{body[:500].decode(errors='replace')}")
        if self.settings.warmup:
            run_wrk(self._bare().url + BARE_PATH, duration=self.settings.warmup, settings=self.settings)
            run_wrk(server.url + path, duration=self.settings.warmup, settings=self.settings, headers=headers)
        rounds = []
        for number in range(1, self.settings.repeat + 1):
            progress(f"Measuring {name} against bare Flask, {self.settings.duration}s each "
                     f"(round {number}/{self.settings.repeat})")
            bare = self._load(BARE_NAME, self._bare(), BARE_PATH, None)
            run = self._load(name, server, path, headers)
            self.bare_runs.append(bare)
            run.bare_requests_per_sec = bare.requests_per_sec
            run.ratio_to_bare = run.requests_per_sec / bare.requests_per_sec
            rounds.append(run)
        return median_run(rounds, key="ratio_to_bare")

    def bare_summary(self) -> Measurement:
        """The baseline row: the median of every bare run this benchmark run made."""
        if not self.bare_runs:
            raise BenchError("no benchmark was measured")
        bare = median_run(self.bare_runs)
        bare.bare_requests_per_sec = bare.requests_per_sec
        bare.ratio_to_bare = 1.0
        return bare


def median_run(runs: list[Measurement], key: str = "requests_per_sec") -> Measurement:
    """The run with the median ``key`` (the lower middle one of an even count)."""
    ordered = sorted(runs, key=lambda run: getattr(run, key))
    return ordered[(len(ordered) - 1) // 2]


def json_report(settings: Settings, machine: dict, results: list[Result]) -> str:
    return json.dumps(
        {
            "machine": machine,
            "settings": {**asdict(settings), "database_url": _hide_password(settings.database_url)},
            "results": [{"type": type(result).__name__.lower(), **result.as_dict()} for result in results],
        },
        indent=2,
    )


def _hide_password(url: str | None) -> str:
    if not url:
        return "sqlite (temporary file)"
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
