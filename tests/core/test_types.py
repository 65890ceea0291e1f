"""Column types shared by every area: amounts of money are 64-bit on both databases."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from coworking.extensions import db
from coworking.hubs.models import Space
from coworking.types import MinorUnits

BEYOND_32_BITS = 2**40


def stored_rates(space_id: int) -> tuple[int, int]:
    with db.engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT daily_rate_minor, hourly_rate_minor FROM spaces WHERE id = :id"), {"id": space_id}
        ).one()
    return tuple(row)


def test_minor_units_are_a_bigint_on_postgresql_and_sqlites_64_bit_integer():
    assert MinorUnits().load_dialect_impl(postgresql.dialect()).compile(dialect=postgresql.dialect()) == "BIGINT"
    assert MinorUnits().load_dialect_impl(sqlite.dialect()).compile(dialect=sqlite.dialect()) == "INTEGER"


def test_an_amount_beyond_32_bits_written_in_sql_is_read_back_whole(app, make_hub, make_space):
    space = make_space(make_hub(), "desk")
    db.session.execute(sa.text("UPDATE spaces SET daily_rate_minor = :amount WHERE id = :id"), {"amount": BEYOND_32_BITS, "id": space.id})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Space, space.id).daily_rate_minor == BEYOND_32_BITS


def test_an_amount_beyond_32_bits_written_by_the_model_is_stored_whole(app, make_hub, make_space):
    space = make_space(make_hub(), "room")
    space.hourly_rate_minor = BEYOND_32_BITS + 1
    db.session.commit()
    assert stored_rates(space.id)[1] == BEYOND_32_BITS + 1
