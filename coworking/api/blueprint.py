"""What every API blueprint shares: error answers documented in the OpenAPI document, a service's
refusals answered as JSON, and the request's one write transaction."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus

import flask_smorest
from sqlalchemy.exc import IntegrityError

from coworking.errors import ApiError, DomainError, api_error_for
from coworking.forms import RACED
from coworking.transactions import unit_of_work


class ApiBlueprint(flask_smorest.Blueprint):
    def documents_errors(self, *statuses: int):
        """List the error answers in the OpenAPI document (each uses the shared Error schema)."""

        def decorate(view):
            for status in statuses:
                view = self.alt_response(status, response=HTTPStatus(status).name)(view)
            return view

        return decorate


@contextmanager
def refusals_answered(renamed: dict[str, str] | None = None) -> Iterator[None]:
    """A service's refusal (DomainError) answered as JSON with its status and field
    (``api_error_for``); ``renamed`` maps a service's field name to the API's. Alone, for what
    reads without writing (a preview); writes use ``one_write``."""
    try:
        yield
    except DomainError as error:
        raise api_error_for(error, (renamed or {}).get(error.field)) from error


@contextmanager
def one_write(renamed: dict[str, str] | None = None) -> Iterator[None]:
    """The API request's unit of work: committed at the end; a refusal answers as JSON
    (``refusals_answered``), an IntegrityError (two requests racing past the checks) as 409.
    Either way nothing is stored."""
    try:
        with refusals_answered(renamed), unit_of_work():
            yield
    except IntegrityError as error:
        raise ApiError(409, RACED) from error
