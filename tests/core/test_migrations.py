"""Models and migrations must agree, on every database; and each database holds, from the
migrations, its own last line of defence against double bookings (which the models cannot show)."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coworking.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def only_on(dialect: str, reason: str) -> None:
    if db.engine.dialect.name != dialect:
        pytest.skip(reason)


def test_postgres_has_btree_gist_and_the_exclusion_constraint(app):
    only_on("postgresql", "btree_gist and EXCLUDE constraints are PostgreSQL's; SQLite's triggers are tested below")
    installed = db.session.scalar(db.text("select count(*) from pg_extension where extname = 'btree_gist'"))
    constraints = db.session.scalars(
        db.text("select conname from pg_constraint where conrelid = 'bookings'::regclass and contype in ('x', 'c')")
    )
    assert installed == 1
    assert {"ex_bookings_no_overlap", "ck_bookings_span_at_most_25_hours"} <= set(constraints)


def test_sqlite_has_the_bounded_overlap_triggers(app):
    only_on("sqlite", "SQLite guards bookings with triggers; PostgreSQL's constraint is tested above")
    triggers = dict(
        db.session.execute(db.text("select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'bookings'")).all()
    )
    for name in ("bookings_no_overlap_insert", "bookings_no_overlap_update"):
        sql = triggers[name]
        assert "booking_overlap" in sql and "booking_too_long" in sql  # 0004's bounded version


def test_sqlite_keeps_every_trigger_through_later_migrations(app):
    """A batch migration rebuilds a SQLite table without its triggers: none may be lost on the way."""
    only_on("sqlite", "PostgreSQL alters tables in place")
    names = set(db.session.scalars(db.text("select name from sqlite_master where type = 'trigger'")))
    for table in ("bookings", "closures"):
        assert {f"{table}_feed_stamps_insert", f"{table}_feed_stamps_update", f"{table}_feed_stamps_delete"} <= names
    assert {"hubs_feed_stamps_update", "hubs_feed_stamps_delete", "spaces_feed_stamps_update",
            "spaces_feed_stamps_delete", "users_feed_stamps_name", "memberships_no_overlap_insert",
            "memberships_no_overlap_update", "opening_hours_feed_stamps_insert", "opening_hours_feed_stamps_update",
            "opening_hours_feed_stamps_delete", "spaces_feed_stamps_insert"} <= names
