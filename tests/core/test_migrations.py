"""Models and migrations must agree, on every database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coworking.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_postgres_has_btree_gist_for_the_booking_constraint(app):
    if db.engine.dialect.name != "postgresql":
        return
    installed = db.session.scalar(db.text("select count(*) from pg_extension where extname = 'btree_gist'"))
    assert installed == 1
