"""Configuration: production refuses to start without its secrets; development defaults to SQLite."""

import pytest

from agreements import create_app
from config import ConfigError, DevelopmentConfig, ProductionConfig, TestingConfig


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, "SECRET_KEY, DATABASE_URL, BASE_URL"),
        ({"SECRET_KEY": "x" * 32, "BASE_URL": "https://sopimuspolku.fi"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://db/agreements", "BASE_URL": "https://sopimuspolku.fi"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 32, "DATABASE_URL": "postgresql://db/agreements"}, "BASE_URL"),
    ],
)
def test_production_refuses_to_start_and_names_what_is_missing(monkeypatch, present, missing):
    for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        create_app(ProductionConfig)
    assert str(refused.value).endswith(missing)


def test_production_starts_with_all_three_and_uses_psycopg(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/agreements")
    monkeypatch.setenv("BASE_URL", "https://sopimuspolku.example")
    app = create_app(ProductionConfig)
    assert app.config["SECRET_KEY"] == "s" * 32
    assert app.config["BASE_URL"] == "https://sopimuspolku.example"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1/agreements"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_development_defaults_to_a_sqlite_file_under_instance(monkeypatch):
    assert DevelopmentConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert "/instance/" in DevelopmentConfig.SQLALCHEMY_DATABASE_URI


def test_remember_me_cookie_is_short_lived_and_http_only(app):
    assert app.config["REMEMBER_COOKIE_DURATION"].days <= 14
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(database_url):
    from flask import request

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PROXY_FIX_HOPS = 1

    app = create_app(Config)
    app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.text == "203.0.113.7"
