"""``flask ledger export``: the books on standard output, Beancount that Beancount accepts, or
CSV, limited to dates; bad options are usage errors."""
from __future__ import annotations

from datetime import date

from beancount import loader

from coworking.extensions import db
from coworking.ledger.funds import reinvest, set_aside
from coworking.ledger.posting import post_entry


def some_books(hub):
    for month in (1, 2, 3):
        post_entry(hub, on=date(2026, month, 5), memo=f"Fees {month}", lines=[("bank", 100000), ("income_membership", -100000)])
    set_aside(hub, amount_minor=50000, on=date(2026, 3, 31))
    reinvest(hub, kind="building", amount_minor=42000, on=date(2026, 4, 1), what="Boiler repair")
    db.session.commit()


def test_beancount_export_is_accepted_by_beancount(runner, make_hub):
    hub = make_hub(slug="riverside")
    some_books(hub)
    result = runner.invoke(args=["ledger", "export", "--hub", "riverside", "--format", "beancount"])
    assert result.exit_code == 0, result.output
    entries, errors, _ = loader.load_string(result.stdout)
    assert errors == []
    assert len([e for e in entries if type(e).__name__ == "Transaction"]) == 5


def test_csv_export_between_dates(runner, make_hub):
    hub = make_hub(slug="riverside")
    some_books(hub)
    result = runner.invoke(args=["ledger", "export", "--hub", "riverside", "--format", "csv",
                                 "--from", "2026-02-01", "--to", "2026-02-28"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("entry_id,date,memo") and len(lines) == 3
    assert all(",2026-02-05," in line for line in lines[1:])


def test_bad_options_are_usage_errors(runner, make_hub):
    make_hub(slug="riverside")
    for args in (["--hub", "nowhere", "--format", "csv"], ["--hub", "riverside", "--format", "xml"],
                 ["--hub", "riverside", "--format", "csv", "--from", "2026-13-01"],
                 ["--hub", "riverside", "--format", "csv", "--from", "2026-03-01", "--to", "2026-02-01"]):
        result = runner.invoke(args=["ledger", "export", *args])
        assert result.exit_code == 2, args
