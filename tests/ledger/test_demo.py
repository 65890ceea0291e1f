"""seed-demo leaves a year of books: the first demo hub publishes its transparency page, with the
three reinvestments; the other's is not public; running it again adds nothing."""
from __future__ import annotations

import sqlalchemy as sa

from coworking.extensions import db
from coworking.ledger.models import JournalEntry


def test_seed_demo_gives_a_year_of_books_and_one_public_transparency_page(runner, client):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    entries = db.session.scalar(sa.select(sa.func.count(JournalEntry.id)))
    assert entries > 100
    page = client.get("/hubs/leeds-central/impact")
    assert page.status_code == 200
    for reinvestment in ("bike repair co-op", "Boiler repair", "returning to work"):
        assert reinvestment in page.text
    assert client.get("/hubs/bristol-harbour/impact").status_code == 404
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) == entries
