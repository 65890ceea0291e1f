"""Fuzz the JSON API against its own OpenAPI document: ``python fuzz/run.py`` (``make fuzz``).

For each database (a temporary SQLite file, and PostgreSQL when it answers), a fresh instance is
migrated and seeded with the real CLI (the demo hubs, people and bookings) and served by gunicorn
exactly as in production (``wsgi:app``) on 127.0.0.1; then schemathesis 4 reads the served
``/api/v1/openapi.json`` and runs its phases and checks, once with a member's token (alice) and
once with a manager's (manager.leeds). A run passes when no response is a server error and none
breaks the document (status codes, content types, headers, bodies against their schemas, invalid
input rejected). Settings and the last result are in docs/fuzzing.md. Not part of ``make test``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Bench, BenchError, Settings, progress  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CALLERS = {"member": "alice@example.org", "manager": "manager.leeds@example.org"}
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/fuzz"
# Every check but one: positive_data_acceptance wants every request the document allows to be
# accepted, and a booking the schema allows may still break the hub's rules (closed at that
# hour, in the past, already taken): 409 and 422 are the right answers there. Such refusals are
# documented responses, which status_code_conformance checks.
EXCLUDED_CHECKS = "positive_data_acceptance"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=10, help="test cases per operation and phase (default 10)")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful", help="schemathesis phases (default: all)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("FUZZ_DATABASE_URL", DEFAULT_POSTGRES),
                        help=f"a PostgreSQL database of its own; its schema is dropped and rebuilt (default {DEFAULT_POSTGRES})")
    parser.add_argument("--callers", default=",".join(CALLERS), help="member, manager or both (default)")
    parser.add_argument("--seed", type=int, default=1, help="schemathesis' random seed (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--report-dir", default=str(ROOT / "fuzz" / "results"), help="where each run's JUnit report goes")
    return parser.parse_args(argv)


def fresh_postgres(url: str) -> str | None:
    """The database made empty (created if missing), or None when PostgreSQL does not answer."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("", "test", "postgres"):
        raise BenchError("give fuzzing a PostgreSQL database of its own (e.g. .../fuzz)")
    server = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=3) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                connection.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    except psycopg.OperationalError as error:
        progress(f"PostgreSQL does not answer at {url}: {error}")
        return None
    return url


def schemathesis(base_url: str, token: str, options: argparse.Namespace, junit: Path) -> tuple[int, str]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base_url}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--checks", "all", "--exclude-checks", EXCLUDED_CHECKS,
        "--phases", options.phases,
        "--max-examples", str(options.max_examples),
        "--seed", str(options.seed),
        "--workers", "1",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--report", "junit", "--report-junit-path", str(junit),
        "--output-truncate", "true",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return result.returncode, result.stdout + result.stderr


def summary(output: str) -> str:
    """schemathesis' closing summary: from its SUMMARY banner on."""
    lines = output.splitlines()
    start = next((index for index, line in enumerate(lines) if "SUMMARY" in line), max(len(lines) - 25, 0))
    return "\n".join(lines[start:])


def run_one(database: str, database_url: str | None, options: argparse.Namespace) -> list[tuple[str, str, int, float]]:
    results = []
    settings = Settings(database_url=database_url, workers=options.workers)
    with Bench(settings) as bench:
        tokens = {who: bench.api_token(CALLERS[who]) for who in options.callers.split(",")}
        with bench.app_server() as server:
            for who, token in tokens.items():
                progress(f"schemathesis on {database} as the {who} ...")
                started = time.monotonic()
                junit = Path(options.report_dir) / f"{database}-{who}.xml"
                junit.parent.mkdir(parents=True, exist_ok=True)
                code, output = schemathesis(server.url, token, options, junit)
                took = time.monotonic() - started
                print(f"\n===== {database}, as the {who}: exit {code}, {took:.0f} s =====\n{summary(output)}", flush=True)
                (junit.parent / f"{database}-{who}.log").write_text(output)
                results.append((database, who, code, took))
    return results


def main(argv: list[str]) -> int:
    options = parse_args(argv)
    databases = []
    if options.database in ("sqlite", "both"):
        databases.append(("sqlite", None))
    if options.database in ("postgresql", "both"):
        url = fresh_postgres(options.postgres_url)
        if url is None and options.database == "postgresql":
            return 2
        if url is not None:
            databases.append(("postgresql", url))
    results = []
    try:
        for database, url in databases:
            results.extend(run_one(database, url, options))
    except BenchError as error:
        print(f"fuzz: {error}", file=sys.stderr)
        return 2
    print("\ndatabase    caller   result  seconds")
    for database, who, code, took in results:
        print(f"{database:<11} {who:<8} {'pass' if code == 0 else 'FAIL':<7} {took:>7.0f}")
    return 0 if all(code == 0 for *_, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
