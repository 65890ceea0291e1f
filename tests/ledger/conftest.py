"""The ledger tests' hub: the one the ``people`` fixture's manager, staff and member belong to."""
from __future__ import annotations

import pytest


@pytest.fixture
def hub(make_hub):
    return make_hub(slug="books", name="Riverside Hub")
