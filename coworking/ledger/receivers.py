"""The ledger listens to lower areas: a new hub gets its chart of accounts; and the session
refuses to commit an unbalanced entry on SQLite (``integrity``)."""
from __future__ import annotations

from coworking import events
from coworking.ledger import integrity
from coworking.ledger.chart import make_chart_for_new_hub


def connect_receivers() -> None:
    events.hub_created.connect(make_chart_for_new_hub)
    integrity.install()
