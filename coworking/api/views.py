"""/api/v1/me and the hubs and spaces endpoints."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from coworking.api.auth import current_api_user
from coworking.api.schemas import UserSchema

blp = Blueprint("api", __name__, description="Who you are, hubs and their spaces")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        """The user the token belongs to"""
        return current_api_user()
