"""Links in emails come from RUNGS_BASE_URL, never from the request's Host header; production
accepts only its own host names; every command reads the instance's settings file."""
from __future__ import annotations

import re

import pytest

from tracker import create_app
from tracker.config import ConfigError

from support import Browser, outbox_messages, register

HOSTILE = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in_emails(app) -> list[str]:
    found = []
    for message in outbox_messages(app):
        for part in ("plain", "html"):
            body = message.get_body((part,))
            if body is not None:
                found += LINK.findall(body.get_content())
    return found


def test_emailed_links_use_the_configured_address_whatever_the_host_header(app, clock):
    app.config["RUNGS_BASE_URL"] = "https://rungs.example.org"
    register(Browser(app.test_client()), email="coder@example.com")
    app.config["WTF_CSRF_ENABLED"] = False  # a cookie for localhost is not sent to evil.example
    client = app.test_client()
    for path, address in [("/register", "new@example.com"),  # a sign-up link
                          ("/register", "coder@example.com"),  # already registered: sign in, reset
                          ("/reset", "coder@example.com"),  # a reset link
                          ("/reset", "nobody@example.com")]:  # no account: register
        assert client.post(path, data={"email": address}, headers=HOSTILE).status_code == 302
    links = [link for link in links_in_emails(app) if "rungs" in link or "evil" in link]
    assert len(links) >= 5
    assert all(link.startswith("https://rungs.example.org/") for link in links), links


def test_production_trusts_only_the_base_urls_host(monkeypatch, tmp_path):
    monkeypatch.setenv("RUNGS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("RUNGS_BASE_URL", "https://rungs.example.org")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["TRUSTED_HOSTS"] == ["rungs.example.org"]
    client = app.test_client()
    assert client.get("/login", base_url="https://rungs.example.org").status_code == 200
    assert client.get("/login", base_url="https://evil.example").status_code == 400


def test_trusted_hosts_can_be_named(monkeypatch, tmp_path):
    monkeypatch.setenv("TRUSTED_HOSTS", "rungs.example.org, 10.0.0.5")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["TRUSTED_HOSTS"] == ["rungs.example.org", "10.0.0.5"]


def test_every_command_reads_the_instance_settings_file(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.env").write_text(
        "# written by scripts/run\nRUNGS_BASE_URL=http://0.0.0.0:8080\nREMINDER_SWEEP_SECONDS='30'\n"
    )
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    monkeypatch.delenv("RUNGS_BASE_URL", raising=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["RUNGS_BASE_URL"] == "http://0.0.0.0:8080"
    assert app.config["REMINDER_SWEEP_SECONDS"] == 30
    monkeypatch.setenv("RUNGS_BASE_URL", "https://from-the-environment.example")  # the environment wins
    assert create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"}).config["RUNGS_BASE_URL"] == \
        "https://from-the-environment.example"


def test_a_malformed_settings_file_names_the_line(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.env").write_text("RUNGS_BASE_URL=http://x\nthis is not a setting\n")
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    with pytest.raises(ConfigError, match="line 2"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
