"""``flask invoices ...``: the billing commands (registered from coworking/cli.py). Their names
and options are a contract: cron jobs and runbooks call them."""
from __future__ import annotations

import click
from tqdm import tqdm

from coworking.errors import DomainError


@click.group()
def invoices():
    """Invoicing: runs, issuing, the integrity of the numbers' chain."""


def hub_option(function):
    return click.option("--hub", "slug", required=True, metavar="SLUG", help="The hub's slug.")(function)


def load_hub(slug: str):
    from coworking.hubs.services import get_hub_by_slug

    hub = get_hub_by_slug(slug)
    if hub is None:
        raise click.BadParameter(f"no hub with slug {slug!r}", param_hint="--hub")
    return hub


def load_period(text: str):
    from coworking.memberships.periods import parse_period

    try:
        return parse_period(text)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint="--period") from error


@invoices.command("run")
@hub_option
@click.option("--period", required=True, metavar="YYYY-MM", help="The month to bill.")
def run_command(slug, period):
    """Bill a hub's period: a draft per member or organisation, a line per new billable item.
    Safe to repeat: a second run adds only what is new."""
    from coworking.billing.runs import run_period

    hub = load_hub(slug)
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


@invoices.command("issue")
@hub_option
@click.option("--period", required=True, metavar="YYYY-MM", help="The run's month.")
def issue_command(slug, period):
    """Issue every draft of the hub's run for PERIOD, as the page's "issue all" does."""
    from coworking.billing.issuing import count_drafts, issue_drafts

    hub = load_hub(slug)
    period = load_period(period)
    stderr = click.get_text_stream("stderr")
    total = count_drafts(hub, period.key)
    with tqdm(total=total, desc=f"Issuing {hub.slug} {period.key}", unit="invoice", file=stderr,
              disable=total == 0) as bar:
        try:
            issued = issue_drafts(hub, period, progress=bar.update)
        except DomainError as error:
            raise click.UsageError(error.message) from error
    left = count_drafts(hub, period.key)
    click.echo(f"Issued {issued} invoice(s) of {hub.slug} for {period.key}"
               + (f"; {left} draft(s) left (empty: review them)." if left else "."), err=True)


@invoices.command("verify")
@hub_option
def verify_command(slug):
    """Check the hub's hash chains; exit 1 naming the first broken link, 0 when whole."""
    from coworking.billing.chain import verify_chain

    hub = load_hub(slug)
    report = verify_chain(hub)
    checked = ", ".join(f"{count} {kind.replace('_', ' ')}(s)" for kind, count in report.checked.items())
    if report.ok:
        click.echo(f"The chain of {hub.slug} is whole: {checked} checked.")
        return
    click.echo(f"The chain of {hub.slug} is broken at {report.broken} ({checked} whole before it).", err=True)
    raise SystemExit(1)
