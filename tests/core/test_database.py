"""SQLite is set up for a small production: WAL (readers never block the writer), foreign keys on."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.extensions import db


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas do not apply to PostgreSQL")


@pytest.mark.parametrize("pragma, expected", [("journal_mode", "wal"), ("foreign_keys", 1)])
def test_sqlite_runs_with(sqlite_only, pragma, expected):
    assert db.session.execute(sa.text(f"PRAGMA {pragma}")).scalar() == expected


def test_sqlite_refuses_a_row_pointing_at_nothing(sqlite_only):
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text("INSERT INTO hub_roles (user_id, hub_id, role) VALUES (999, 999, 'staff')"))
    db.session.rollback()
