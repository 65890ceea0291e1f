"""Settings come from the environment when an app is made; production refuses to guess."""
from __future__ import annotations

import stat

import pytest

from config import ConfigurationError, load_config
from coworking import create_app

SETTINGS_FROM_ENVIRONMENT = (
    "COWORKING_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "MAIL_PORT",
    "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS", "MAIL_FROM", "BASE_URL",
)
PG_URL = "postgresql://coworking:secret@db.example.org/coworking"


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment whose instance folder is a fresh temporary one."""
    for name in SETTINGS_FROM_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COWORKING_INSTANCE", str(tmp_path / "instance"))
    return monkeypatch


def test_development_needs_nothing_set(environment, tmp_path):
    settings = load_config()

    assert settings["ENV_NAME"] == "development"
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'coworking.sqlite'}"
    assert settings["MAIL_SERVER"] is None
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_the_development_secret_key_is_made_once_and_kept(environment, tmp_path):
    first = load_config()["SECRET_KEY"]
    second = load_config()["SECRET_KEY"]

    key_file = tmp_path / "instance" / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_instance_folder_has_its_own_secret_key(environment, tmp_path):
    first = load_config()["SECRET_KEY"]
    environment.setenv("COWORKING_INSTANCE", str(tmp_path / "another"))

    assert load_config()["SECRET_KEY"] != first


def test_the_environment_is_read_when_the_app_is_made_not_at_import(environment):
    environment.setenv("MAIL_SERVER", "smtp.example.org")
    environment.setenv("MAIL_PORT", "587")
    environment.setenv("MAIL_USE_TLS", "yes")
    environment.setenv("DATABASE_URL", "postgres://u:p@db.example.org/cw")

    settings = load_config()

    assert (settings["MAIL_SERVER"], settings["MAIL_PORT"], settings["MAIL_USE_TLS"]) == ("smtp.example.org", 587, True)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example.org/cw"


def test_redis_url_becomes_the_rate_limit_storage(environment):
    environment.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")

    settings = load_config()

    assert settings["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    "given, missing",
    [
        ({}, "SECRET_KEY and DATABASE_URL"),
        ({"SECRET_KEY": "s3cret"}, "DATABASE_URL"),
        ({"DATABASE_URL": PG_URL}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_its_secret_and_database(environment, given, missing):
    environment.setenv("COWORKING_ENV", "production")
    for name, value in given.items():
        environment.setenv(name, value)

    with pytest.raises(ConfigurationError, match=f"without {missing}$"):
        load_config()
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_with_secret_and_database_starts_with_secure_cookies(environment, tmp_path):
    environment.setenv("COWORKING_ENV", "production")
    environment.setenv("SECRET_KEY", "s3cret")
    environment.setenv("DATABASE_URL", PG_URL)

    settings = load_config()

    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://coworking:secret@db.example.org/coworking"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["PREFERRED_URL_SCHEME"] == "https"
    assert not (tmp_path / "instance").exists()  # no key file, no SQLite: nothing guessed
