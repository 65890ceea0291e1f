"""``flask invoices issue --hub SLUG --period YYYY-MM`` issues a run's drafts with a progress
bar on stderr; bad hubs and periods are usage errors that change nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from coworking.billing.models import Invoice
from coworking.extensions import db
from coworking.timezones import local_today
from tests.billing.documents import make_draft


@pytest.fixture
def hub(make_hub):
    return make_hub("riverside", invoice_prefix="RIV")


def issued_numbers() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(Invoice.number).where(Invoice.number.is_not(None))))


def test_invoices_issue_issues_every_draft_of_the_run(hub, make_user, runner):
    for index in range(3):
        make_draft(hub, make_user(name=f"Member {index}"))
    make_draft(hub, make_user(name="Later"), period="2026-12")

    result = runner.invoke(args=["invoices", "issue", "--hub", "riverside", "--period", "2026-11"])

    assert result.exit_code == 0, result.output
    year = local_today(hub.timezone).year
    assert issued_numbers() == [f"RIV-{year}-{n:05d}" for n in (1, 2, 3)]
    assert "Issued 3 invoice(s) of riverside for 2026-11." in result.output
    assert "3/3" in result.output  # the progress bar, on stderr


def test_invoices_issue_says_which_drafts_were_left(hub, make_user, runner):
    make_draft(hub, make_user(), lines=[])

    result = runner.invoke(args=["invoices", "issue", "--hub", "riverside", "--period", "2026-11"])

    assert result.exit_code == 0 and "1 draft(s) left" in result.output
    assert issued_numbers() == []


@pytest.mark.parametrize("arguments, message", [
    (["--hub", "nowhere", "--period", "2026-11"], "no hub"),
    (["--hub", "riverside", "--period", "2026-13"], "YYYY-MM"),
    (["--hub", "riverside", "--period", "November"], "YYYY-MM"),
    (["--hub", "riverside"], "Missing option"),
])
def test_bad_arguments_are_usage_errors(hub, make_user, runner, arguments, message):
    make_draft(hub, make_user())

    result = runner.invoke(args=["invoices", "issue", *arguments])

    assert result.exit_code == 2 and message in result.output
    assert issued_numbers() == []
