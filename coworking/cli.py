"""flask commands. Their names and options are a contract other tools rely on."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask
from tqdm import tqdm

from coworking.errors import DomainError
from coworking.transactions import unit_of_work
from coworking.urls import external_url


@contextmanager
def refusals_as_usage_errors() -> Iterator[None]:
    """The command's one transaction; a refusal stores nothing and exits 2 with its message."""
    try:
        with unit_of_work():
            yield
    except DomainError as error:
        raise click.UsageError(error.message) from error


def register_commands(app: Flask) -> None:
    from coworking.billing.commands import invoices
    from coworking.ledger.commands import ledger

    app.cli.add_command(ledger)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users)
    app.cli.add_command(tokens)
    app.cli.add_command(outbox)
    app.cli.add_command(jobs)
    app.cli.add_command(invoices)


@click.command("seed-demo")
def seed_demo_command():
    """Fill the database with demo hubs, spaces and people (safe to run again)."""
    from coworking.demo import DEMO_PASSWORD, seed_demo, seed_demo_billing

    with unit_of_work():  # all of the demo data or none of it
        logins = seed_demo()
    seed_demo_billing()  # after: invoice runs commit batch by batch
    click.echo(f"Demo data is ready. Log in at {external_url('accounts.login')} with:")
    for login in logins:
        click.echo(f"  {login.email:<32} {DEMO_PASSWORD}   ({login.role})")


@click.group()
def users():
    """Manage users."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", required=True)
@click.option("--admin", is_flag=True, help="Make the user a network admin.")
@click.option("--manager", "manager_of", metavar="HUB_SLUG", help="Make the user a manager of this hub.")
def create_user_command(email, name, password, admin, manager_of):
    """Create a user (optionally an admin, or a hub manager)."""
    from coworking.accounts.services import create_user
    from coworking.hubs.roles import Role, grant_role
    from coworking.hubs.services import get_hub_by_slug

    hub = None
    if manager_of:
        hub = get_hub_by_slug(manager_of)
        if hub is None:
            raise click.BadParameter(f"no hub with slug {manager_of!r}", param_hint="--manager")
    with refusals_as_usage_errors():
        user = create_user(email, name, password, is_admin=admin)
        if hub is not None:
            grant_role(user, hub, Role.MANAGER)
    click.echo(_describe_new_user(user, hub), err=True)


def _describe_new_user(user, hub) -> str:
    roles = (["network admin"] if user.is_admin else []) + ([f"manager of {hub.slug}"] if hub else [])
    return f"Created user {user.email}" + "".join(f", {role}" for role in roles) + "."


@click.group()
def tokens():
    """Manage API tokens."""


@tokens.command("create")
@click.option("--email", required=True)
@click.option("--name", default="CLI token", show_default=True)
def create_token_command(email, name):
    """Create an API token for a user; prints the token and nothing else on stdout."""
    from coworking.accounts.services import create_api_token, find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no user with email {email!r}", param_hint="--email")
    with unit_of_work():
        _, raw = create_api_token(user, name)
    click.echo(raw)


@click.group()
def outbox():
    """The mail outbox."""


@outbox.command("send")
def send_outbox_command():
    """Send pending mail (retries failed messages with backoff)."""
    from coworking.mail import count_due, send_pending
    from coworking.types import utcnow

    total = count_due(utcnow())
    stderr = click.get_text_stream("stderr")
    with tqdm(total=total, desc="Sending mail", unit="msg", disable=total == 0, file=stderr) as bar:
        sent, failed = send_pending(progress=bar.update)
    click.echo(f"Sent {sent}, failed {failed}.", err=True)


@click.group()
def jobs():
    """Background work: queued jobs, the outbox, and what falls due (monthly runs, reminders)."""


@jobs.command("run")
def run_jobs_command():
    """Do whatever is due, once (safe from cron or a timer, on any number of servers at once)."""
    from coworking.jobs import run_due

    summary = run_due(on_job=lambda job: click.echo(f"Job {job.id}: {job.kind}", err=True))
    click.echo(str(summary), err=True)


@jobs.command("work")
@click.option("--interval", default=5.0, show_default=True, help="Seconds to wait when there is nothing to do.")
def work_jobs_command(interval):
    """Do what is due again and again, until stopped (Ctrl-C or SIGTERM)."""
    import signal
    import time

    from coworking.jobs import work

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))

    def nap(seconds: float) -> None:  # wakes soon after SIGTERM; a job under way is finished first
        until = time.monotonic() + seconds
        while not stopping and time.monotonic() < until:
            time.sleep(min(0.2, seconds))

    click.echo(f"Working on jobs every {interval:g}s; Ctrl-C stops.", err=True)
    try:
        work(interval=interval, should_stop=lambda: bool(stopping), sleep=nap)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped.", err=True)
