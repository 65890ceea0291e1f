"""Run the benchmarks and print a table: ``python bench/run.py [NAME ...]`` (``make bench``).

A bare Flask "hello" app runs beside the app under the same gunicorn settings; each entry is
measured in rounds alternating with it, and its ratio is its requests per second divided by the
bare app's in the same round (the median round is shown). The database is a temporary SQLite
file, migrated and seeded with the real CLI, unless ``--database-url`` names another (PostgreSQL:
give it a database of its own, it gets migrated and seeded). Servers listen on 127.0.0.1 only
and are stopped even when something fails. In-process entries (availability, booking_create,
part of feeds) time the app's own functions without HTTP and print a second table, with the
median CPU time per call beside the wall clock. Figures are recorded in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402
    api_availability,
    api_bookings_list,
    api_spaces,
    availability,
    billable_items,
    booking_create,
    feeds,
    invoice_pdf,
    invoice_run,
    ledger_books,
)
from bench.common import (  # noqa: E402
    Bench,
    BenchError,
    Measurement,
    Note,
    Result,
    Settings,
    Timing,
    json_report,
    machine_info,
    require_wrk,
)

# Name -> benchmark: a module of bench/ with a run(bench) function.
BENCHMARKS = {
    "api_spaces": api_spaces.run,
    "availability": availability.run,
    "booking_create": booking_create.run,
    "api_availability": api_availability.run,
    "api_bookings_list": api_bookings_list.run,
    "feeds": feeds.run,
    "billable_items": billable_items.run,
    "ledger_books": ledger_books.run,
    "invoice_run": invoice_run.run,
    "invoice_pdf": invoice_pdf.run,
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per measurement (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load first (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk open connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per entry, each alternating it with the bare app; the median is kept (default 1)")
    parser.add_argument("--database-url", help="run against this database instead of a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    if min(args.duration, args.threads, args.workers, args.repeat) < 1 or args.warmup < 0:
        parser.error("--duration, --threads, --workers and --repeat must be at least 1, --warmup at least 0")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (each wrk thread needs one)")
    return args


def run_benchmarks(names: list[str], settings: Settings) -> list[Result]:
    with Bench(settings) as bench:
        results = []
        for name in names:
            results += BENCHMARKS[name](bench)
        # The baseline row heads the HTTP table, when anything was measured over HTTP.
        return [bench.bare_summary(), *results] if bench.bare_runs else results


def table(results: list[Result]) -> str:
    """Markdown tables (readable in a terminal, pasted as-is into docs/benchmarks.md): HTTP
    figures against the bare app, in-process timings, then notes such as query plans."""
    parts = []
    http = [result for result in results if isinstance(result, Measurement)]
    timings = [result for result in results if isinstance(result, Timing)]
    if http:
        parts.append(http_table(http))
    if timings:
        parts.append(timing_table(timings))
    for note in (result for result in results if isinstance(result, Note)):
        parts.append(f"{note.title}:\n\n```\n{note.text.rstrip()}\n```")
    return "\n\n".join(parts)


def http_table(results: list[Measurement]) -> str:
    lines = [
        "| benchmark | req/s | bare req/s, same round | ratio to bare | server CPU per request "
        "| avg latency | p99 latency | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        lines.append(
            f"| {result.name} | {result.requests_per_sec:,.0f} | {result.bare_requests_per_sec:,.0f} "
            f"| {result.ratio_to_bare:.3f} | {result.server_cpu_ms_per_request:.2f} ms "
            f"| {result.latency_avg_ms:.2f} ms | {result.latency_p99_ms:.2f} ms | {result.non_2xx + result.socket_errors} |"
        )
    return "\n".join(lines)


def timing_table(results: list[Timing]) -> str:
    lines = [
        "| in-process | with | calls | median | p95 | CPU median (this process) | per second |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        rate = f"{result.per_second:,.0f}" if result.per_second is not None else ""
        lines.append(
            f"| {result.name} | {result.context} | {result.samples:,} | {result.median_ms:.2f} ms "
            f"| {result.p95_ms:.2f} ms | {result.cpu_median_ms:.2f} ms | {rate} |"
        )
    return "\n".join(lines)


def header(settings: Settings, machine: dict) -> str:
    database = "PostgreSQL (--database-url)" if settings.database_url else "SQLite (temporary file)"
    return "\n".join([
        f"Date: {machine['started']}",
        f"Machine: {machine['nproc']} CPUs, {machine['cpu_model']}, {machine['ram_gib']} GiB RAM; "
        f"Python {machine['python']}; {machine['wrk']}; load average {machine['load_average_1m']} at the start",
        f"Settings: {settings.describe()}; database: {database}",
        "",
    ])


def stop_cleanly_on_sigterm() -> None:
    """SIGTERM becomes SystemExit, so the servers and temp files are cleaned up as on Ctrl-C."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    stop_cleanly_on_sigterm()
    if args.list:
        for name, benchmark in BENCHMARKS.items():
            print(f"{name}: {sys.modules[benchmark.__module__].__doc__.strip().splitlines()[0]}")
        return 0
    settings = Settings(duration=args.duration, warmup=args.warmup, threads=args.threads,
                        connections=args.connections, workers=args.workers, repeat=args.repeat,
                        database_url=args.database_url)
    try:
        require_wrk()
        machine = machine_info()
        results = run_benchmarks(args.names or list(BENCHMARKS), settings)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json_report(settings, machine, results))
    else:
        print(header(settings, machine) + table(results))
    if any(isinstance(result, Measurement) and (result.non_2xx or result.socket_errors) for result in results):
        print("Warning: some requests failed (see the non-2xx column); those figures are not valid.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
