"""The coworking hub app: create_app() builds one from named steps."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import instance_dir, load_config
from coworking import transactions  # noqa: F401  (SQLite pragmas and BEGIN handling)
from coworking.extensions import csrf, db, limiter, login_manager, migrate
from coworking.types import MAX_INTEGER


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=resource_dir("templates"),
        static_folder=resource_dir("static"),
        instance_path=str(instance_dir().resolve()),
    )
    app.config.from_mapping(load_config(test_config))
    logging.basicConfig(level=logging.INFO)
    if app.config.get("PROXY_COUNT"):
        # Behind a proxy: real client IPs for rate limits, https for generated links.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    register_extensions(app)
    app.url_map.converters["int"] = DatabaseInteger
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_event_receivers(app)
    install_feed_revalidation(app)
    return app


def resource_dir(name: str) -> str:
    """Where the templates, static files or migrations are: the copy an installed wheel holds
    inside the package, else the checkout's top-level folder (``make run``, ``pip install -e .``).

    The package's own copy is looked for first: beside an installed package lies site-packages,
    where another distribution may have put a folder of the same name.
    """
    package = Path(__file__).resolve().parent
    installed = package / name
    return str(installed if installed.is_dir() else package.parent / name)


class DatabaseInteger(IntegerConverter):
    """``<int:...>`` in every route: ids beyond what an INTEGER column holds are a 404, not a
    database error (PostgreSQL refuses to compare them)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


def register_extensions(app: Flask) -> None:
    from coworking import models  # noqa: F401  (every model, so Alembic sees them all)

    db.init_app(app)
    migrate.init_app(app, db, directory=resource_dir("migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from coworking.accounts.services import user_for_session

    login_manager.user_loader(user_for_session)

    from coworking.security import register_security
    from coworking.text import register_text_checks

    register_security(app)
    register_text_checks(app)  # before anything reads the database with what the URL says


def register_blueprints(app: Flask) -> None:
    from coworking.accounts.views import bp as accounts_bp
    from coworking.billing.views import bp as billing_bp
    from coworking.bookings.views import bp as bookings_bp
    from coworking.feeds.views import bp as feeds_bp
    from coworking.hubs.views import bp as hubs_bp
    from coworking.ledger.views import bp as ledger_bp
    from coworking.memberships.views import bp as memberships_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(hubs_bp)
    app.register_blueprint(bookings_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(memberships_bp)
    app.register_blueprint(billing_bp)
    app.register_blueprint(ledger_bp)

    from coworking.api import register_api

    register_api(app)


def register_errorhandlers(app: Flask) -> None:
    from coworking.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from coworking.templating import register_template_helpers as register

    register(app)


def register_commands(app: Flask) -> None:
    from coworking.cli import register_commands as register

    register(app)


def register_event_receivers(app: Flask) -> None:
    """Higher areas listen to lower ones' domain events (coworking/events.py)."""
    from coworking import jobs
    from coworking.billing import freeze, notifications
    from coworking.billing.jobs import connect_jobs
    from coworking.bookings.closures import connect_receivers as connect_booking_receivers
    from coworking.idempotency import forget_old_keys
    from coworking.ledger.receivers import connect_receivers as connect_ledger
    from coworking.memberships.receivers import connect_receivers

    connect_booking_receivers()
    connect_receivers()
    connect_ledger()
    freeze.install()  # issued invoices refuse changes before the triggers must
    notifications.install()  # invoice PDFs attached when their mail is sent
    connect_jobs()  # billing's background work and schedules (coworking/jobs.py)
    jobs.register_schedule(forget_old_keys)  # once-only keys are kept a week (coworking/idempotency.py)


def install_feed_revalidation(app: Flask) -> None:
    """Calendar apps' polls that find nothing new are answered in front of Flask."""
    from coworking.feeds.revalidation import install

    install(app)
