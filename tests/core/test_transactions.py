"""The unit of work: what a block changes is committed once at its end, or, if anything inside
raises, rolled back so that nothing of it is stored; on both databases."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.accounts.services import create_user
from coworking.errors import DomainError
from coworking.extensions import db
from coworking.transactions import commit_if_possible, unit_of_work
from tests.conftest import PASSWORD


def stored_emails() -> list[str]:
    """The users' emails as another connection sees them: only what was committed."""
    with db.engine.connect() as connection:
        return list(connection.scalars(sa.text("SELECT email FROM users ORDER BY email")))


@pytest.fixture
def commits(app):
    """The database transactions committed during the test (savepoints released are not commits)."""
    seen = []

    def count(connection):
        seen.append(connection)

    sa.event.listen(db.engine, "commit", count)
    yield seen
    sa.event.remove(db.engine, "commit", count)


def test_everything_in_the_block_is_committed_once_at_its_end(app, commits):
    with unit_of_work():
        create_user("ann@example.org", "Ann", PASSWORD)
        create_user("bob@example.org", "Bob", PASSWORD)
        assert stored_emails() == []  # flushed, not yet committed
    assert len(commits) == 1
    assert stored_emails() == ["ann@example.org", "bob@example.org"]


@pytest.mark.parametrize("error", [RuntimeError("the mail server fell over"), DomainError("Not allowed.", status=403)])
def test_an_exception_in_the_block_stores_nothing_and_is_raised(app, commits, error):
    with pytest.raises(type(error)) as raised, unit_of_work():
        create_user("ann@example.org", "Ann", PASSWORD)
        raise error
    assert raised.value is error
    assert commits == []
    assert stored_emails() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("users"))) == 0


def test_a_failed_block_leaves_the_session_ready_for_the_next(app):
    with pytest.raises(RuntimeError), unit_of_work():
        create_user("ann@example.org", "Ann", PASSWORD)
        raise RuntimeError("boom")
    with unit_of_work():
        create_user("ann@example.org", "Ann", PASSWORD)
    assert stored_emails() == ["ann@example.org"]


@pytest.mark.parametrize("write", [True, False])
def test_on_sqlite_a_writing_block_holds_the_write_lock_from_its_start(app, write):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL needs no write lock: its constraints and row locks do the work")
    with unit_of_work(write=write):
        in_transaction = db.session.connection().connection.dbapi_connection.in_transaction
    assert in_transaction is write


def test_bookkeeping_is_committed_when_the_database_takes_it(app):
    create_user("ann@example.org", "Ann", PASSWORD)
    assert commit_if_possible() is True
    assert stored_emails() == ["ann@example.org"]
