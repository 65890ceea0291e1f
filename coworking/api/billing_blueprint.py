"""The ``billing_api`` blueprint, which ``invoices.py`` fills: invoices and credit notes (yours,
or a hub's for its managers), their PDFs, and what managers do with them: runs, issuing,
credit notes and payments.

Views are thin: the schemas refuse malformed input (422 naming the field), the loaders of
``coworking.api.loaders`` answer 404 for a document the caller may not see (another member's,
or a draft they do not manage: ids reveal nothing) and 403 for one they may read but not change,
then one billing service runs in one unit of work (``one_write``: nothing stored on a refusal).
A run and "issue all" go to the background, as from the pages: the answer is the job (202),
which ``GET /hubs/<slug>/jobs/<id>`` follows as ``flask jobs run`` (or ``jobs work``) does it.
"""
from __future__ import annotations

from coworking.api.blueprint import ApiBlueprint
from coworking.errors import ApiError
from coworking.money import normalise_currency

blp = ApiBlueprint(
    "billing_api",
    __name__,
    description="Invoices and credit notes, their PDFs, invoice runs, issuing, credit notes and payments. "
    "Money is integer minor units with its currency; dates are the hub's local dates; a period is YYYY-MM.",
)

WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)

# The API's names for the fields the billing services call otherwise.
API_FIELDS = {"amount_minor": "amount", "invoice": "invoice_id"}


def minor_units_of(value: dict, currency: str, field: str) -> int:
    """``{"amount_minor": 1250, "currency": "GBP"}`` as minor units of ``currency``, or 422."""
    if normalise_currency(value.get("currency", currency)) != currency:
        message = f"Amounts here are in {currency}."
        raise ApiError(422, message, {f"{field}.currency": message})
    return value["amount_minor"]
