"""The flask commands: their names and options are a contract other tools rely on."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from coworking import demo
from coworking.accounts.models import ApiToken, User
from coworking.accounts.services import find_user_by_email
from coworking.extensions import db
from coworking.hubs.models import Hub, Space
from coworking.hubs.roles import HubRole
from tests.conftest import PASSWORD, ROOT, bearer


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- seed-demo ------------------------------------------------------------------------------

def test_seed_demo_makes_hubs_spaces_and_people_and_prints_the_logins(app, runner):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    for email, *_ in demo.USERS:
        assert email in result.stdout
    assert demo.DEMO_PASSWORD in result.stdout
    assert count(Hub) >= 2
    for hub in db.session.scalars(sa.select(Hub)):
        kinds = {space.kind for space in db.session.scalars(sa.select(Space).where(Space.hub_id == hub.id))}
        assert {"desk", "room"} <= kinds
    assert find_user_by_email("admin@example.org").is_admin
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HubRole).where(HubRole.role == "manager")) >= 2


def test_seed_demo_run_twice_adds_nothing_the_second_time(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    first = row_counts()

    second_run = runner.invoke(args=["seed-demo"])

    assert second_run.exit_code == 0, second_run.output
    assert "admin@example.org" in second_run.stdout
    db.session.expire_all()
    assert row_counts() == first


def test_seed_demo_that_fails_half_way_leaves_nothing_behind(app, runner, monkeypatch):
    monkeypatch.setattr(demo, "USERS", [*demo.USERS, ("not an email", "Broken", False, None, None)])

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code != 0
    assert all(number == 0 for number in row_counts().values())


# --- users create ---------------------------------------------------------------------------

def create_user_args(email="ann@example.org", *extra):
    return ["users", "create", "--email", email, "--name", "Ann Example", "--password", PASSWORD, *extra]


def test_users_create_makes_a_member_who_can_log_in(app, runner, auth):
    result = runner.invoke(args=create_user_args("Ann@Example.org"))

    assert result.exit_code == 0, result.output
    user = find_user_by_email("ann@example.org")
    assert (user.name, user.is_admin, user.roles) == ("Ann Example", False, [])
    assert auth.login("ann@example.org", PASSWORD).status_code == 302


def test_users_create_with_admin_makes_a_network_admin(app, runner):
    result = runner.invoke(args=create_user_args("ann@example.org", "--admin"))

    assert result.exit_code == 0, result.output
    assert find_user_by_email("ann@example.org").is_admin


def test_users_create_with_manager_gives_the_manager_role_in_that_hub(app, runner, make_hub):
    hub = make_hub(slug="leeds")

    result = runner.invoke(args=create_user_args("ann@example.org", "--manager", "leeds"))

    assert result.exit_code == 0, result.output
    user = find_user_by_email("ann@example.org")
    assert user.manages(hub)
    assert not user.is_admin


@pytest.mark.parametrize(
    "args, message",
    [
        (create_user_args("ann@example.org", "--manager", "nowhere"), "no hub with slug 'nowhere'"),
        (create_user_args("not-an-email"), "valid email"),
        (["users", "create", "--email", "ann@example.org", "--name", "Ann", "--password", "short"], "at least 10"),
        (["users", "create", "--email", "ann@example.org", "--name", "Ann"], "--password"),
    ],
    ids=["unknown hub", "malformed email", "short password", "no password"],
)
def test_users_create_refuses_bad_input_and_creates_nothing(app, runner, args, message):
    result = runner.invoke(args=args)

    assert result.exit_code != 0
    assert message in result.stderr
    assert count(User) == 0


def test_users_create_refuses_an_email_taken_in_another_case(app, runner, make_user):
    make_user(email="ann@example.org", name="The First Ann")

    result = runner.invoke(args=create_user_args("ANN@example.ORG"))

    assert result.exit_code != 0
    assert "already exists" in result.stderr
    assert count(User) == 1
    assert find_user_by_email("ann@example.org").name == "The First Ann"


# --- tokens create --------------------------------------------------------------------------

def test_tokens_create_prints_only_a_token_that_works_on_the_api(app, runner, client, make_user):
    make_user(email="ann@example.org")

    result = runner.invoke(args=["tokens", "create", "--email", "ANN@example.org", "--name", "laptop"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and result.stdout == lines[0] + "\n"
    response = client.get("/api/v1/me", headers=bearer(lines[0]))
    assert response.status_code == 200
    assert response.get_json()["email"] == "ann@example.org"
    [token] = db.session.scalars(sa.select(ApiToken))
    assert token.name == "laptop"
    assert token.token_hash != lines[0]


def test_tokens_create_for_an_unknown_email_fails_and_prints_nothing(app, runner):
    result = runner.invoke(args=["tokens", "create", "--email", "nobody@example.org"])

    assert result.exit_code != 0
    assert result.stdout == ""
    assert "no user with email" in result.stderr
    assert count(ApiToken) == 0


@pytest.mark.slow
def test_tokens_create_in_a_real_process_writes_only_the_token_to_stdout(
    app, client, make_user, database_url, tmp_path
):
    make_user(email="ann@example.org")
    environment = {
        key: value for key, value in os.environ.items()
        if key not in {"COWORKING_ENV", "SECRET_KEY", "FLASK_APP"}
    }
    environment.update(DATABASE_URL=database_url, COWORKING_INSTANCE=str(tmp_path))

    completed = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "coworking", "tokens", "create", "--email", "ann@example.org"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    [token] = completed.stdout.splitlines()
    assert completed.stdout == token + "\n"
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
