"""``flask ledger ...``: the ledger's commands (registered from coworking/cli.py). Their names
and options are a contract: an accountant's scripts call them."""
from __future__ import annotations

from datetime import date

import click


@click.group()
def ledger():
    """The books: export them for an accountant."""


def parse_date(value: str | None, hint: str) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter("use a date such as 2026-01-31", param_hint=hint) from error
    if not 2000 <= day.year <= 2100:
        raise click.BadParameter("use a date between 2000 and 2100", param_hint=hint)
    return day


@ledger.command("export")
@click.option("--hub", "slug", required=True, metavar="SLUG", help="The hub's slug.")
@click.option("--format", "format_", type=click.Choice(["beancount", "csv"]), required=True)
@click.option("--from", "start", metavar="DATE", help="The first day (YYYY-MM-DD); the beginning when left out.")
@click.option("--to", "end", metavar="DATE", help="The last day (YYYY-MM-DD); the end when left out.")
def export_command(slug, format_, start, end):
    """Write the hub's books to standard output, as Beancount (bean-check accepts it) or CSV."""
    from coworking.hubs.services import get_hub_by_slug
    from coworking.ledger.export import beancount_lines, csv_lines

    hub = get_hub_by_slug(slug)
    if hub is None:
        raise click.BadParameter(f"no hub with slug {slug!r}", param_hint="--hub")
    start, end = parse_date(start, "--from"), parse_date(end, "--to")
    if start and end and start > end:
        raise click.BadParameter("--from comes after --to", param_hint="--from")
    lines = beancount_lines if format_ == "beancount" else csv_lines
    out = click.get_text_stream("stdout")
    for chunk in lines(hub, start=start, end=end):
        out.write(chunk)
