"""The OpenAPI document describes every /api/v1 route, its errors and the bearer scheme, and validates."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def api_routes(app) -> list[tuple[str, str]]:
    """(OpenAPI path, method) for every /api/v1 rule except the document itself."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api-docs.openapi_json":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        routes.extend((path, method.lower()) for method in sorted(rule.methods - AUTOMATIC_METHODS))
    return routes


def test_the_document_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_api_route_is_in_the_document(app, spec):
    routes = api_routes(app)
    assert ("/api/v1/me", "get") in routes
    missing = [(path, method) for path, method in routes if method not in spec["paths"].get(path, {})]
    assert missing == []


def test_the_bearer_scheme_guards_every_operation(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A personal API token"
    }
    assert spec["security"] == [{"bearerAuth": []}]


def test_every_operation_documents_its_errors_in_our_envelope(app, spec):
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, method in api_routes(app):
        responses = spec["paths"][path][method]["responses"]
        assert "401" in responses, (path, method)
        for status, response in responses.items():
            if status.startswith(("4", "5")) or status == "default":
                name = response["$ref"].rsplit("/", 1)[-1]
                schema = spec["components"]["responses"][name]["content"]["application/json"]["schema"]
                assert schema == error_ref, (path, method, status)
    detail = spec["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "fields"}


@pytest.mark.parametrize("method, path", (("patch", "/api/v1/hubs/{slug}"), ("post", "/api/v1/hubs/{slug}/spaces")))
def test_writes_document_refusals(spec, method, path):
    assert {"400", "403", "404", "413", "415", "422"} <= set(spec["paths"][path][method]["responses"])


def examples_in(node, path: str = ""):
    """(where, schema, example) for every schema in the document that gives an example."""
    if isinstance(node, dict):
        if "example" in node and ("type" in node or "format" in node or "pattern" in node):
            yield path, {key: value for key, value in node.items() if key != "example"}, node["example"]
        for key, value in node.items():
            yield from examples_in(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples_in(value, f"{path}/{index}")


def test_every_example_in_the_document_fits_its_own_schema(spec):
    from openapi_schema_validator import OAS30Validator

    checked = 0
    for where, schema, example in examples_in(spec):
        validator = OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)
        errors = [error.message for error in validator.iter_errors(example)]
        assert errors == [], (where, example)
        checked += 1
    assert checked > 10
