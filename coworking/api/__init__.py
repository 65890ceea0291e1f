"""The JSON API under /api/v1: flask-smorest blueprints, bearer-token auth, JSON errors."""
from __future__ import annotations

from flask import Flask

from coworking.extensions import api, csrf


def register_api(app: Flask) -> None:
    from coworking.api import (  # noqa: F401  (they fill their blueprints)
        allowances,
        availability,
        bookings,
        invoices,
        ledger,
        memberships,
        plans,
        series,
    )
    from coworking.api.auth import register_token_auth
    from coworking.api.billing_blueprint import blp as billing_blp
    from coworking.api.bookings_blueprint import blp as bookings_blp
    from coworking.api.document_rules import document_rules_across_fields
    from coworking.api.feeds import blp as feeds_blp
    from coworking.api.json_body import register_json_body_check
    from coworking.api.ledger import blp as ledger_blp
    from coworking.api.memberships_blueprint import blp as memberships_blp
    from coworking.api.revalidation import install as install_revalidation
    from coworking.api.schemas import ErrorSchema
    from coworking.api.views import blp as core_blp

    # Every error response in the OpenAPI document (401, 404, 422 ...) then shows our envelope.
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "A personal API token"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    for blueprint in (core_blp, bookings_blp, feeds_blp, memberships_blp, billing_blp, ledger_blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    document_rules_across_fields(api.spec)
    register_token_auth(app)
    install_revalidation(app)  # after token auth: its hook runs once the caller is known
    register_json_body_check(app)
