"""marshmallow schemas: the JSON shapes of the API (and of the OpenAPI document)."""
from __future__ import annotations

from marshmallow import Schema, fields


class UserSchema(Schema):
    id = fields.Int(dump_only=True)
    email = fields.Email(dump_only=True)
    name = fields.Str(dump_only=True)
    is_admin = fields.Bool(dump_only=True)
    roles = fields.Method("dump_roles", dump_only=True, metadata={"description": "Roles in hubs"})

    def dump_roles(self, user) -> list[dict]:
        return [{"hub": role.hub.slug, "role": role.role} for role in user.roles]


class ErrorDetailSchema(Schema):
    code = fields.Str(required=True)
    message = fields.Str(required=True)
    fields = fields.Dict(keys=fields.Str(), values=fields.Raw())


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)
