"""Settings, read from the environment each time an app is created.

Development needs nothing set: SQLite under instance/, a secret key generated once into
instance/secret_key, mail logged instead of sent. Production (``COWORKING_ENV=production``)
refuses to start without ``SECRET_KEY`` and ``DATABASE_URL``.

The environment is read when ``load_config`` is called, not when this module is imported, so
one process (a test run, say) can build apps for different environments.
"""
from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """The environment does not hold what production needs."""


class Config:
    """Settings that do not come from the environment."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    RATELIMIT_HEADERS_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session it is bound to
    PASSWORD_RESET_TTL_SECONDS = 3600

    API_TITLE = "Coworking hub API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class ProductionConfig(Config):
    """Production is served over HTTPS: cookies never travel in clear."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


def instance_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where development keeps its SQLite file and secret key (``COWORKING_INSTANCE``): by default
    instance/ in the checkout, or, installed from a wheel, Flask's usual <prefix>/var/coworking-instance
    (never inside site-packages)."""
    if environ.get("COWORKING_INSTANCE"):
        return Path(environ["COWORKING_INSTANCE"])
    if (BASE_DIR / "pyproject.toml").is_file():
        return BASE_DIR / "instance"
    return Path(sys.prefix) / "var" / "coworking-instance"


def _bool(environ: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Heroku-style ``postgres://`` URLs and bare ``postgresql://`` ones use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def settings_from_environment(environ: Mapping[str, str]) -> dict:
    """Every setting the environment can give; None where it gives nothing and has no default."""
    database_url = environ.get("DATABASE_URL")
    redis_url = environ.get("REDIS_URL") or None
    return {
        "SECRET_KEY": environ.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url) if database_url else None,
        "BASE_URL": environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "MAIL_SERVER": environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool(environ, "MAIL_USE_TLS"),
        "MAIL_FROM": environ.get("MAIL_FROM", "Coworking hub <no-reply@localhost>"),
        "MAIL_MAX_ATTEMPTS": int(environ.get("MAIL_MAX_ATTEMPTS", "6")),
        "REDIS_URL": redis_url,
        # Several app servers must share one count, so production with Redis uses Redis.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "LOGIN_RATE_LIMIT": environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "RESET_RATE_LIMIT": environ.get("RESET_RATE_LIMIT", "5 per minute"),
        # Per calendar link (not per client): calendar apps poll every few minutes at most.
        "FEED_RATE_LIMIT": environ.get("FEED_RATE_LIMIT", "60 per minute"),
        # Bytes of polled API answers (availability, bookings) each process keeps by ETag; 0: none.
        "API_ANSWER_CACHE_BYTES": int(environ.get("API_ANSWER_CACHE_BYTES", str(16 * 1024 * 1024))),
        "MAX_CONTENT_LENGTH": int(environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024))),
        # How many proxies (nginx...) stand in front: their X-Forwarded-* headers are then trusted.
        "PROXY_COUNT": int(environ.get("PROXY_COUNT", "0")),
        # How far back a manager may date the start of a membership they approve (0: not at all).
        "MEMBERSHIP_BACKDATE_DAYS": int(environ.get("MEMBERSHIP_BACKDATE_DAYS", "31")),
        # VAT on bookings billed pay-as-you-go or as overage, at hubs that have a VAT number
        # (basis points: 2000 is 20%). Plans and passes carry their own rate.
        "BOOKING_VAT_RATE_BP": int(environ.get("BOOKING_VAT_RATE_BP", "2000")),
        # Werkzeug's scrypt by default; tests choose a cheap method to stay fast.
        "PASSWORD_HASH_METHOD": environ.get("PASSWORD_HASH_METHOD", "scrypt"),
    }


def development_secret_key(directory: Path) -> str:
    """A key generated once and kept, so sessions survive a restart of `make run`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _class_settings(base: type[Config]) -> dict:
    return {key: getattr(base, key) for key in dir(base) if key.isupper()}


def _refuse_incomplete_production(settings: dict) -> None:
    required = {"SECRET_KEY": "SECRET_KEY", "DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}
    missing = [variable for variable, key in required.items() if not settings.get(key)]
    if missing:
        raise ConfigurationError("Refusing to start in production without " + " and ".join(missing))


def load_config(test_config: dict | None = None) -> dict:
    """The settings for one app, checked: production must be told its secret and database.

    ``test_config`` overrides anything; its ``ENV_NAME`` (else ``COWORKING_ENV``) picks the mode.
    """
    environ = os.environ
    overrides = dict(test_config or {})
    env_name = overrides.get("ENV_NAME") or environ.get("COWORKING_ENV") or "development"
    base = ProductionConfig if env_name == PRODUCTION else Config
    settings = {**_class_settings(base), **settings_from_environment(environ), "ENV_NAME": env_name}
    settings.update(overrides)
    if env_name == PRODUCTION:
        _refuse_incomplete_production(settings)
        return settings
    directory = instance_dir(environ)
    if not settings.get("SQLALCHEMY_DATABASE_URI"):
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{directory / 'coworking.sqlite'}"
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = development_secret_key(directory)
    return settings
