"""The API's one way to answer a refusal: a service's DomainError becomes its JSON error (with the
field renamed where the API names it otherwise), and a write that races past the checks a 409."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from coworking.api.blueprint import one_write, refusals_answered
from coworking.errors import ApiError, DomainError
from coworking.forms import RACED


def test_a_refusal_answers_with_its_status_message_and_field():
    with pytest.raises(ApiError) as answer, refusals_answered():
        raise DomainError("Too late to cancel.", "starts_at", status=409)
    assert (answer.value.status, answer.value.message, answer.value.fields) == (409, "Too late to cancel.", {"starts_at": "Too late to cancel."})


def test_a_field_the_api_names_otherwise_is_renamed():
    with pytest.raises(ApiError) as answer, refusals_answered({"starts_on": "start_date"}):
        raise DomainError("Choose a later first date.", "starts_on")
    assert answer.value.fields == {"start_date": "Choose a later first date."}


def test_other_fields_keep_their_names():
    with pytest.raises(ApiError) as answer, refusals_answered({"starts_on": "start_date"}):
        raise DomainError("Choose a weekday.", "weekday")
    assert answer.value.fields == {"weekday": "Choose a weekday."}


def test_a_refused_write_answers_the_same_way(app):
    with pytest.raises(ApiError) as answer, one_write({"starts_on": "start_date"}):
        raise DomainError("Choose a later first date.", "starts_on")
    assert (answer.value.status, answer.value.fields) == (422, {"start_date": "Choose a later first date."})


def test_a_write_that_races_past_the_checks_is_a_409(app):
    with pytest.raises(ApiError) as answer, one_write():
        raise IntegrityError("INSERT ...", {}, Exception("unique"))
    assert (answer.value.status, answer.value.message) == (409, RACED)
