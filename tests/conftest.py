"""Fixtures in the flaskr manner: app, client, runner, factories that fill defaults, ``people``
(someone in each position towards a hub), and helpers to act as someone and to count queries.

Every test that uses ``app`` runs twice: on SQLite and on PostgreSQL. PostgreSQL is found at
``TEST_DATABASE_URL`` or postgresql://postgres@127.0.0.1:5432/test; when it does not answer its
half is skipped with a plain reason, unless ``REQUIRE_POSTGRES=1`` (CI), which makes it fail.
Each database is built once per run by the real Alembic migrations, and emptied after each test.
"""
from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config import normalise_database_url  # noqa: E402
from coworking import create_app  # noqa: E402
from coworking.extensions import db, limiter  # noqa: E402

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "correct-horse-battery"


def postgres_url() -> str:
    return normalise_database_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG_URL))


def worker_database_url(url: str) -> str:
    """Under pytest-xdist each worker gets a database of its own (``test_gw0``, ``test_gw1``...),
    made beside the configured one when missing, since each run drops and rebuilds its schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.engine.make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database})
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


def postgres_unavailable_reason(url: str) -> str | None:
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return None
    except Exception as error:  # noqa: BLE001 - any failure means "not here"
        return f"PostgreSQL not reachable at {engine.url.render_as_string(hide_password=True)} ({type(error).__name__})"
    finally:
        engine.dispose()


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "BASE_URL": "http://localhost",
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
    }


def migrate_to_head(database_url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def reset_postgres_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    else:
        url = postgres_url()
        reason = postgres_unavailable_reason(url)
        if reason:
            if os.environ.get("REQUIRE_POSTGRES") == "1":
                pytest.fail(reason + " and REQUIRE_POSTGRES=1", pytrace=False)
            pytest.skip(reason)
        url = worker_database_url(url)
        reset_postgres_schema(url)
    migrate_to_head(url)
    return url


def empty_all_tables() -> None:
    tables = [table for table in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        empty_postgres_tables(tables)
    else:
        # Issued invoices and the ledger refuse DELETE by trigger: SQLite sets those triggers
        # aside while it empties the tables that have rows.
        with_rows = set(db.session.scalars(sa.text(tables_with_rows_probe(tables))))
        frozen = db.session.execute(sa.text(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%frozen%'"
        )).all()
        frozen = [(name, definition) for name, definition, table in frozen if table in with_rows]
        for name, _ in frozen:
            db.session.execute(sa.text(f"DROP TRIGGER {name}"))
        for table in reversed(tables):
            if table.name in with_rows:
                db.session.execute(table.delete())
        for _, definition in frozen:
            db.session.execute(sa.text(definition))
    db.session.commit()


def tables_with_rows_probe(tables) -> str:
    """One statement naming the tables that have a row (most tests touch a few of fifty)."""
    return " UNION ALL ".join(f"SELECT * FROM (SELECT '{table.name}' FROM \"{table.name}\" LIMIT 1) AS t{number}"
                              for number, table in enumerate(tables))


def empty_postgres_tables(tables) -> None:
    """Delete the rows of the tables that have any, with triggers and foreign keys set aside
    (``session_replication_role``), and restart every sequence: what ``TRUNCATE ... RESTART
    IDENTITY`` does, at a few milliseconds instead of a quarter of a second (TRUNCATE makes new
    files for every table and index). Without the superuser's right to set the role, TRUNCATE."""
    with_rows = list(db.session.scalars(sa.text(tables_with_rows_probe(tables))))
    try:
        with db.session.begin_nested():
            db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    except sa.exc.DBAPIError:
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    for name in with_rows:
        db.session.execute(sa.text(f'DELETE FROM "{name}"'))
    db.session.execute(sa.text(
        "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
        "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"))


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (its own ``g`` and database session), as in
    production, even though the test body keeps one pushed for its factories and queries."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class IsolatedRunner(FlaskCliRunner):
    def invoke(self, *args, **kwargs):
        with self.app.app_context():
            return super().invoke(*args, **kwargs)


_SHARED_APPS: dict[str, object] = {}


def build_test_app(database_url: str):
    app = create_app(base_config(database_url))
    app.test_client_class = IsolatedClient
    app.test_cli_runner_class = IsolatedRunner
    return app


@pytest.fixture
def app(database_url):
    """One app per database for the whole run (building one costs more than most tests), put
    back as it was after each test: its settings restored, rate-limit counts and tables emptied.
    A test that must add routes or handlers uses ``fresh_app`` instead."""
    if database_url not in _SHARED_APPS:
        _SHARED_APPS[database_url] = build_test_app(database_url)
    app = _SHARED_APPS[database_url]
    saved_config = dict(app.config)
    with app.app_context():
        limiter.reset()
        yield app
        db.session.remove()
        empty_all_tables()
        db.session.remove()
    app.config.clear()
    app.config.update(saved_config)


@pytest.fixture
def fresh_app(database_url):
    """An app of the test's own, for tests that change it in ways a shared app cannot undo."""
    app = build_test_app(database_url)
    with app.app_context():
        limiter.reset()
        yield app
        db.session.remove()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories ------------------------------------------------------------------------------

@pytest.fixture
def make_user(app):
    from coworking.accounts.services import create_user

    counter = iter(range(1, 10_000))

    def make(email: str | None = None, name: str = "Test Member", password: str = PASSWORD, **overrides):
        user = create_user(email or f"member{next(counter)}@example.org", name, password, **overrides)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_hub(app):
    from coworking.hubs.services import create_hub

    counter = iter(range(1, 10_000))

    def make(slug: str | None = None, name: str | None = None, **overrides):
        number = next(counter)
        hub = create_hub(slug or f"hub-{number}", name or f"Hub {number}", **overrides)
        db.session.commit()
        return hub

    return make


@pytest.fixture
def make_space(app):
    from coworking.hubs.services import add_space

    counter = iter(range(1, 10_000))

    def make(hub, kind: str = "desk", name: str | None = None, **overrides):
        overrides.setdefault("daily_rate_minor", 1500)
        overrides.setdefault("hourly_rate_minor", 1000 if kind == "room" else 0)
        space = add_space(hub, kind, name or f"{kind.title()} {next(counter)}", **overrides)
        db.session.commit()
        return space

    return make


@pytest.fixture
def make_manager(make_user):
    from coworking.hubs.roles import Role, grant_role

    def make(hub, role: Role = Role.MANAGER, **overrides):
        user = make_user(**overrides)
        grant_role(user, hub, role)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_token(app):
    from coworking.accounts.services import create_api_token

    def make(user, name: str = "test token") -> str:
        _, raw = create_api_token(user, name)
        db.session.commit()
        return raw

    return make


# --- someone in each position towards a hub -------------------------------------------------

EVERYONE = ("anonymous", "member", "other_manager", "staff", "manager", "admin")


class People:
    """Someone in each position towards the test's ``hub`` fixture, each made the first time
    they are asked for (``people.staff`` or ``people["staff"]``):

    - member: Mary Member, member@example.org, no role;
    - other_manager: Otto Other, away@example.org, manager of another hub (``people.away``);
    - staff: Stan Staff, staff@example.org, staff of the hub;
    - manager: Mona Manager, manager@example.org, manager of the hub;
    - admin: Ada Admin, admin@example.org, network admin;
    - anonymous: None.
    """

    def __init__(self, request, make_user, make_hub, make_manager):
        self._request = request
        self._make_user = make_user
        self._make_hub = make_hub
        self._make_manager = make_manager

    @cached_property
    def hub(self):
        # Looked up when first needed, so a test about members alone makes no hub.
        return self._request.getfixturevalue("hub")

    @cached_property
    def away(self):
        return self._make_hub("away", "Away Hub")

    @cached_property
    def member(self):
        return self._make_user(email="member@example.org", name="Mary Member")

    @cached_property
    def other_manager(self):
        return self._make_manager(self.away, email="away@example.org", name="Otto Other")

    @cached_property
    def staff(self):
        from coworking.hubs.roles import Role

        return self._make_manager(self.hub, Role.STAFF, email="staff@example.org", name="Stan Staff")

    @cached_property
    def manager(self):
        return self._make_manager(self.hub, email="manager@example.org", name="Mona Manager")

    @cached_property
    def admin(self):
        return self._make_user(email="admin@example.org", name="Ada Admin", is_admin=True)

    def __getitem__(self, who: str):
        if who not in EVERYONE:
            raise KeyError(who)
        return None if who == "anonymous" else getattr(self, who)

    def everyone(self) -> dict[str, object]:
        """Everyone, made now (a page that lists people must show or hide each of them)."""
        return {who: self[who] for who in EVERYONE}


@pytest.fixture
def people(request, make_user, make_hub, make_manager) -> People:
    return People(request, make_user, make_hub, make_manager)


# --- acting as someone ----------------------------------------------------------------------

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from the page as a browser would."""
    page = client.get("/login").get_data(as_text=True)
    match = CSRF_META.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, **kwargs):
    """POST a form the way a browser does, with the session's CSRF token."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=data, **kwargs)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return post_form(self.client, "/login", {"email": email, "password": password})

    def logout(self):
        return post_form(self.client, "/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- counting queries -----------------------------------------------------------------------

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counted_statements(*, transaction_control: bool = False) -> Iterator[list[str]]:
    """The SQL statements run inside the block, on any engine (feed polls answered in front of
    Flask use one of their own); BEGIN, COMMIT, ROLLBACK and savepoints are left out unless
    ``transaction_control`` asks for every statement."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if transaction_control or not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    sa.event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(Engine, "before_cursor_execute", record)


def run_together(app, count: int, action) -> list:
    """``action(index)`` in ``count`` threads, each with its own app context and connection,
    released at once and committed; returns each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int):
        with app.app_context():
            try:
                barrier.wait()
                results[index] = action(index)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - the test inspects every outcome
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
