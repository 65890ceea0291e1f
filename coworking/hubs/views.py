"""Hub pages: the list of hubs, a hub's page, and the manager's editing screens."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from coworking.extensions import db
from coworking.hubs.models import Hub

bp = Blueprint("hubs", __name__)


@bp.route("/")
def index():
    hubs = db.session.scalars(sa.select(Hub).order_by(Hub.name)).all()
    return render_template("hubs/index.html", hubs=hubs)
