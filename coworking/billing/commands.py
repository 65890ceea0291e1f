"""``flask invoices ...``: the billing commands (registered by coworking/cli.py). Their names and
options are a contract other tools rely on."""
from __future__ import annotations

import click
from tqdm import tqdm

from coworking.errors import DomainError


@click.group()
def invoices():
    """Invoicing: runs, issuing, the integrity of the numbers' chain."""


def hub_of(slug: str):
    from coworking.hubs.services import get_hub_by_slug

    hub = get_hub_by_slug(slug)
    if hub is None:
        raise click.BadParameter(f"no hub with slug {slug!r}", param_hint="--hub")
    return hub


@invoices.command("run")
@click.option("--hub", "slug", required=True, metavar="SLUG", help="The hub's slug.")
@click.option("--period", required=True, metavar="YYYY-MM", help="The month to bill.")
def run_command(slug, period):
    """Bill a hub's period: a draft per member or organisation, a line per new billable item.
    Safe to repeat: a second run adds only what is new."""
    from coworking.billing.runs import run_period

    hub = hub_of(slug)
    stderr = click.get_text_stream("stderr")
    with tqdm(total=0, desc=f"Billing {period}", unit="member", file=stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            result = run_period(hub, period, progress=progress)
        except DomainError as error:
            raise click.BadParameter(error.message, param_hint=f"--{error.field or 'period'}") from error
    click.echo(result.summary(), err=True)
