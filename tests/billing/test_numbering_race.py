"""Gap-free, duplicate-free numbers under a race: several processes issue the same drafts at
once, each on its own connection; the numbers given are exactly 1..N, each draft issued once."""
from __future__ import annotations

import multiprocessing

import pytest
import sqlalchemy as sa

from coworking.billing.chain import verify_chain
from coworking.billing.models import Invoice
from coworking.extensions import db
from tests.billing import race_worker
from tests.billing.documents import make_draft

PROCESSES = 4
DRAFTS = 40


@pytest.fixture
def hub(make_hub):
    return make_hub("riverside", invoice_prefix="RIV", vat_number="GB1")


@pytest.fixture
def drafts(hub, make_user):
    members = [make_user(name=f"Member {i}") for i in range(DRAFTS)]
    return [make_draft(hub, member).id for member in members]


def race(calls) -> list:
    """Run each (function, arguments) in a process of its own, released together."""
    context = multiprocessing.get_context("spawn")
    start = context.Manager().Event()
    with context.Pool(len(calls)) as pool:
        pending = [pool.apply_async(target, (*arguments, start)) for target, arguments in calls]
        start.set()
        return [result.get(timeout=300) for result in pending]


def numbers_in_the_database() -> list[int]:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Invoice.sequence_number).where(Invoice.sequence_number.is_not(None)).order_by(Invoice.sequence_number)
    ).all()


def test_processes_issuing_the_same_drafts_at_once_give_numbers_1_to_n(app, hub, drafts, database_url):
    # Two processes issue the drafts one by one in their own orders; two issue the whole run.
    one_by_one = [(race_worker.issue_all, (database_url, drafts, seed)) for seed in range(PROCESSES // 2)]
    whole_run = [(race_worker.issue_run, (database_url, hub.id, "2026-11"))] * (PROCESSES - PROCESSES // 2)

    results = race(one_by_one + whole_run)

    issued_one_by_one = [number for numbers in results[:len(one_by_one)] for number in numbers]
    assert len(set(issued_one_by_one)) == len(issued_one_by_one)
    assert len(issued_one_by_one) + sum(results[len(one_by_one):]) == DRAFTS  # each draft issued once
    assert numbers_in_the_database() == list(range(1, DRAFTS + 1))
    numbers = db.session.scalars(sa.select(Invoice.number).where(Invoice.number.is_not(None))).all()
    assert sorted(numbers) == [f"RIV-2026-{n:05d}" for n in range(1, DRAFTS + 1)]
    assert verify_chain(hub).ok
