"""What fuzzing the API (schemathesis, ``make fuzz``) found, each kept fixed: control characters
refused with a 422 naming the field (a 404 in a path), never a 500 on PostgreSQL; one-line names;
a reset with no body; JSON booleans only; examples and limits in the document that the server
agrees with; an inactive space that stays hidden."""
from __future__ import annotations

from datetime import timedelta

import jsonschema
import pytest

from coworking.api.booking_schemas import (
    BookingChangesSchema,
    BookingCreateSchema,
    SeriesCreateSchema,
)
from coworking.api.document_rules import BOOKING_EXAMPLE, MOVE_EXAMPLE, SERIES_EXAMPLE
from coworking.bookings.operations import book_space
from coworking.extensions import db
from coworking.text import CONTROL_CHARACTERS, LINE_BREAKS
from coworking.timezones import local_today
from tests.api.conftest import assert_json_error, stored_hub, stored_spaces
from tests.api.test_bookings_api import instant, next_monday, stored_counts
from tests.conftest import bearer

HUB = "/api/v1/hubs/leeds-central"


@pytest.fixture
def as_member(make_user, make_token):
    return bearer(make_token(make_user(email="mary@example.org", name="Mary Member")))


@pytest.fixture
def as_manager(people, make_token, hub):
    return bearer(make_token(people.manager))


@pytest.fixture
def desk(hub, make_space):
    return make_space(hub, "desk", "Desk 1")


@pytest.fixture
def booking(desk, people):
    monday = next_monday()
    made = book_space(desk, people.member, instant(monday, "09:00"), instant(monday, "17:00"),
                      booked_by=people.admin, override_rules=True, notify=False)
    db.session.commit()
    return made


# --- control characters ---------------------------------------------------------------------

@pytest.mark.parametrize("path", (f"{HUB[:-len('leeds-central')]}%00", f"{HUB}%00/spaces", "/api/v1/hubs/%00/availability?date=2026-03-02", f"{HUB}/spaces/%01"))
def test_a_control_character_in_a_path_is_a_404(client, hub, as_member, path):
    assert_json_error(client.get(path, headers=as_member), 404, "not_found")


@pytest.mark.parametrize("query", ("hub=%00", "from=2026-03-02%00", "status=%1b"))
def test_a_control_character_in_a_query_is_a_422_naming_it(client, hub, as_member, query):
    error = assert_json_error(client.get(f"/api/v1/bookings?{query}", headers=as_member), 422, "validation_error")
    assert error["fields"] == {query.split("=")[0]: CONTROL_CHARACTERS}


@pytest.mark.parametrize(
    ("body", "field"),
    (
        ({"hub": "leeds\x00central", "kind": "desk"}, "hub"),
        ({"note": "Call me\x00"}, "note"),
        ({"member_email": "mary@example.org\x00"}, "member_email"),
        ({"note": "\ud800"}, "note"),  # a lone surrogate: no UTF-8 for it
        ({"note\x00": "x"}, "body"),
    ),
)
def test_a_control_character_in_a_booking_is_a_422_naming_the_field(client, desk, as_member, body, field):
    monday = next_monday()
    request = {"space_id": desk.id, "starts_at": instant(monday, "09:00").isoformat(), "ends_at": instant(monday, "17:00").isoformat(), **body}
    if "hub" in body:
        del request["space_id"]
    error = assert_json_error(client.post("/api/v1/bookings", json=request, headers=as_member), 422, "validation_error")
    assert error["fields"] == {field: CONTROL_CHARACTERS}
    assert stored_counts() == (0, 0, 0)


@pytest.mark.parametrize(("value", "message"), (("Leeds\x00", CONTROL_CHARACTERS), ("Leeds\nCentral", LINE_BREAKS), ("Leeds\rCentral", LINE_BREAKS)))
def test_a_hub_name_is_one_line_of_text(client, hub, as_manager, value, message):
    error = assert_json_error(client.patch(HUB, json={"name": value}, headers=as_manager), 422, "validation_error")
    assert error["fields"] == {"name": message}
    assert stored_hub("leeds-central").name == "Leeds Central"


@pytest.mark.parametrize(("value", "message"), (("Desk\x00", CONTROL_CHARACTERS), ("Desk\n2", LINE_BREAKS)))
def test_a_space_name_is_one_line_of_text(client, hub, as_manager, value, message):
    error = assert_json_error(client.post(f"{HUB}/spaces", json={"kind": "desk", "name": value}, headers=as_manager), 422, "validation_error")
    assert error["fields"] == {"name": message}
    assert stored_spaces("leeds-central") == []


def test_a_control_character_deep_in_a_body_names_its_path(client, hub, desk, as_manager):
    body = {"amenities": ["wifi", "lamp\x00"]}
    error = assert_json_error(client.patch(f"{HUB}/spaces/{desk.id}", json=body, headers=as_manager), 422, "validation_error")
    assert error["fields"] == {"amenities.1": CONTROL_CHARACTERS}


@pytest.mark.parametrize("where", ("query", "json"))
def test_a_control_character_in_a_cancellation_reason_is_a_422(client, booking, as_manager, where):
    path = f"/api/v1/bookings/{booking.id}"
    response = (client.delete(f"{path}?reason=Closed%00", headers=as_manager) if where == "query"
                else client.delete(path, json={"reason": "Closed\x00"}, headers=as_manager))
    error = assert_json_error(response, 422, "validation_error")
    assert error["fields"] == {"reason": CONTROL_CHARACTERS}
    assert stored_counts() == (1, 1, 0)


# --- a reset with no body, booleans -----------------------------------------------------------

def test_a_feed_reset_needs_no_body(client, as_member):
    assert client.post("/api/v1/me/feeds/reset", headers=as_member).status_code == 200


@pytest.mark.parametrize("value", (1, 0.0, "yes", "true", None))
def test_booleans_are_json_booleans_only(client, desk, as_manager, value):
    error = assert_json_error(client.patch(f"{HUB}/spaces/{desk.id}", json={"active": value}, headers=as_manager), 422, "validation_error")
    assert "active" in error["fields"]
    assert stored_spaces("leeds-central")[0].active is True


def test_a_json_boolean_is_taken(client, desk, as_manager):
    assert client.patch(f"{HUB}/spaces/{desk.id}", json={"active": False}, headers=as_manager).status_code == 200
    assert stored_spaces("leeds-central")[0].active is False


# --- the document's examples and limits ---------------------------------------------------------

@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def body_schema(spec: dict, path: str, method: str) -> tuple[dict, dict]:
    """The request body's schema (resolvable against the document) and its example."""
    content = spec["paths"][path][method]["requestBody"]["content"]["application/json"]
    return {**content["schema"], "components": spec["components"]}, content["example"]


@pytest.mark.parametrize(
    ("path", "method", "schema"),
    (
        ("/api/v1/bookings", "post", BookingCreateSchema),
        ("/api/v1/bookings/{booking_id}", "patch", BookingChangesSchema),
        ("/api/v1/booking-series", "post", SeriesCreateSchema),
    ),
)
def test_each_request_example_is_valid_for_the_document_and_the_server(spec, path, method, schema):
    document_schema, example = body_schema(spec, path, method)
    jsonschema.validate(example, document_schema)
    schema().load(example)  # the server's own validation: raises if it refuses
    properties = spec["components"]["schemas"][document_schema["$ref"].rsplit("/", 1)[1]]["properties"]
    if "starts_at" in properties:
        assert properties["starts_at"]["example"] < properties["ends_at"]["example"]


def test_the_examples_are_those_the_code_names(spec):
    assert body_schema(spec, "/api/v1/bookings", "post")[1] == BOOKING_EXAMPLE
    assert body_schema(spec, "/api/v1/bookings/{booking_id}", "patch")[1] == MOVE_EXAMPLE
    assert body_schema(spec, "/api/v1/booking-series", "post")[1] == SERIES_EXAMPLE


@pytest.mark.parametrize(
    "body",
    (
        {"space_id": 1, "hub": "leeds-central", "kind": "desk"},
        {"space_id": 1, "kind": "desk"},
        {"hub": "leeds-central"},
        {},
    ),
)
def test_the_document_says_space_id_and_hub_are_exclusive(spec, body):
    document_schema, example = body_schema(spec, "/api/v1/bookings", "post")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"starts_at": example["starts_at"], "ends_at": example["ends_at"], **body}, document_schema)


def test_the_document_states_the_limits_the_server_enforces(spec):
    schemas = spec["components"]["schemas"]
    terms = schemas["HubChanges"]["properties"]["payment_terms_days"]
    assert (terms["minimum"], terms["maximum"]) == (0, 365)
    assert schemas["SpaceChanges"]["properties"]["capacity"]["minimum"] == 1
    amount = schemas["Amount"]["properties"]["amount_minor"]
    assert amount["minimum"] == 0
    assert "1900" in schemas["BookingCreate"]["properties"]["starts_at"]["description"]
    assert schemas["SeriesCreate"]["oneOf"] == [{"required": ["until"]}, {"required": ["count"]}]


@pytest.mark.parametrize(("field", "value"), (("payment_terms_days", 366), ("payment_terms_days", -1)))
def test_limits_in_the_document_are_refused_as_documented(client, hub, as_manager, field, value):
    assert_json_error(client.patch(HUB, json={field: value}, headers=as_manager), 422, "validation_error")


# --- an inactive space ------------------------------------------------------------------------

def test_a_member_booking_an_inactive_space_learns_nothing_about_it(client, hub, make_space, as_member):
    hidden = make_space(hub, "room", "Secret Boardroom", active=False)
    day = local_today("Europe/London") + timedelta(days=3)
    body = {"space_id": hidden.id, "starts_at": instant(day, "10:00").isoformat(), "ends_at": instant(day, "11:00").isoformat()}
    response = client.post("/api/v1/bookings", json=body, headers=as_member)
    unknown = client.post("/api/v1/bookings", json={**body, "space_id": 999_999}, headers=as_member)
    assert (response.status_code, response.get_json()) == (unknown.status_code, unknown.get_json())
    assert "Secret" not in response.get_data(as_text=True)
    assert client.get(f"{HUB}/spaces/{hidden.id}", headers=as_member).status_code == 404


def test_the_hubs_manager_still_hears_why_an_inactive_space_cannot_be_booked(client, hub, make_space, as_manager):
    hidden = make_space(hub, "room", "Secret Boardroom", active=False)
    day = local_today("Europe/London") + timedelta(days=3)
    body = {"space_id": hidden.id, "starts_at": instant(day, "10:00").isoformat(), "ends_at": instant(day, "11:00").isoformat()}
    error = assert_json_error(client.post("/api/v1/bookings", json=body, headers=as_manager), 422, "validation_error")
    assert "Secret Boardroom is not available" in " ".join(error.get("rules", []))


# --- paging ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ("/api/v1/hubs", f"{HUB}/applications?status=all&", f"{HUB}/spaces", "/api/v1/bookings"))
def test_a_page_beyond_any_offset_is_a_422_naming_it(client, hub, as_manager, path):
    separator = "" if path.endswith("&") else "?"
    error = assert_json_error(client.get(f"{path}{separator}page=502721009753068134203392", headers=as_manager), 422, "validation_error")
    assert list(error["fields"]) == ["page"]
