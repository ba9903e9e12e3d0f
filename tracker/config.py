"""Settings from the environment, with safe defaults for one laptop.

Every setting is read here and nowhere else; README.md has the table of variables.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from .domain import limits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app; the message says what to set."""


def _flag(env, name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env, name: str, default: int) -> int:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {value!r})") from None


def settings_file(instance_path: str) -> Path:
    """The instance's settings file: ``NAME=value`` lines that every command reads (scripts/run
    writes it), so the web server, the worker and ``flask reminders sweep`` agree."""
    return Path(instance_path) / "settings.env"


def read_settings_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines (blank lines and ``#`` comments skipped; quotes around a value dropped)."""
    if not path.exists():
        return {}
    found = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ConfigError(f"{path}, line {number}: expected NAME=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        found[name.strip()] = value
    return found


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def from_environment(instance_path: str) -> dict:
    """The app's configuration: environment variables, then the instance's settings file."""
    env = {**read_settings_file(settings_file(instance_path)), **os.environ}
    environment = env.get("RUNGS_ENV", "development").strip().lower()
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"RUNGS_ENV must be one of {', '.join(ENVIRONMENTS)} (got {environment!r})")
    production = environment == "production"
    database_url = env.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "rungs.sqlite3")
    )
    return {
        "RUNGS_ENV": environment,
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PLANS_DIR": env.get("PLANS_DIR") or str(PROJECT_ROOT / "plans"),
        **_mail_settings(env, instance_path),
        **_cookie_settings(env, production),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 12 * 1024 * 1024),
        **_address_settings(env, production),
        **_worker_and_limit_settings(env),
        "LOG_FORMAT": (env.get("LOG_FORMAT") or "text").strip().lower(),
        **_certificate_settings(env, instance_path),
    }


def _mail_settings(env: dict, instance_path: str) -> dict:
    """The SMTP server, and how long the links in emails work."""
    return {
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int(env, "MAIL_PORT", 25),
        "MAIL_USE_TLS": _flag(env, "MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _flag(env, "MAIL_USE_SSL", False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Rungs <no-reply@localhost>"),
        "MAIL_TIMEOUT": _int(env, "MAIL_TIMEOUT", 30),
        # SMTP connections a reminder sweep sends over at once (each a thread).
        "MAIL_CONNECTIONS": _int(env, "MAIL_CONNECTIONS", 1),
        "MAIL_OUTBOX_DIR": env.get("MAIL_OUTBOX_DIR") or str(Path(instance_path) / "outbox"),
        "PASSWORD_RESET_MAX_AGE": _int(env, "PASSWORD_RESET_MAX_AGE", 3600),
        "SIGN_UP_LINK_MAX_AGE": _int(env, "SIGN_UP_LINK_MAX_AGE", 24 * 3600),
        "EMAIL_CHANGE_LINK_MAX_AGE": _int(env, "EMAIL_CHANGE_LINK_MAX_AGE", 24 * 3600),
    }


def _cookie_settings(env: dict, production: bool) -> dict:
    # Cookies: HttpOnly and SameSite=Lax always; Secure wherever the app is served over HTTPS.
    return {
        "SESSION_COOKIE_SECURE": _flag(env, "SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag(env, "SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
    }


def _address_settings(env: dict, production: bool) -> dict:
    """The app's own address, the hosts it answers to, and the proxies in front of it."""
    base_url = (env.get("RUNGS_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    return {
        # Absolute links in emails (reminders, password resets sent by the worker).
        # Every link in every email starts with it; the Host header never decides (tracker/links.py).
        "RUNGS_BASE_URL": base_url,
        # Host names requests may carry (Flask answers 400 to others): in production the base
        # URL's host unless TRUSTED_HOSTS (comma-separated) names them.
        "TRUSTED_HOSTS": _list(env.get("TRUSTED_HOSTS")) or ([urlsplit(base_url).hostname] if production else None),
        # Proxies in front of the app: X-Forwarded-For/-Proto/-Host are believed only from this
        # many hops (0: ignored, the client is the peer address).
        "PROXY_COUNT": _int(env, "PROXY_COUNT", 0),
    }


def _worker_and_limit_settings(env: dict) -> dict:
    """The reminder worker's pace, the page cache, and the limits on sign-in and emailed links."""
    return {
        "REMINDER_SWEEP_SECONDS": _int(env, "REMINDER_SWEEP_SECONDS", 60),
        # How long a claimed reminder is a sweeper's alone; a long sweep renews it.
        "REMINDER_LEASE_SECONDS": _int(env, "REMINDER_LEASE_SECONDS", 300),
        "PAGE_CACHE_SIZE": _int(env, "PAGE_CACHE_SIZE", 1024),
        # Sign-in throttling: failed attempts per account and per address, in shared storage.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": "rungs",
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT") or "5 per 15 minutes",
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS") or "30 per 15 minutes",
        # Sign-up and password-reset emails one address may be sent (stops flooding an inbox).
        "EMAIL_LINKS_PER_RECIPIENT": env.get("EMAIL_LINKS_PER_RECIPIENT") or "5 per 15 minutes",
    }


def _certificate_settings(env: dict, instance_path: str) -> dict:
    # CEU certificates: stored outside static under random names, served only to their owner.
    return {
        "CERTIFICATE_DIR": env.get("CERTIFICATE_DIR") or str(Path(instance_path) / "certificates"),
        "CERTIFICATE_MAX_BYTES": _int(env, "CERTIFICATE_MAX_BYTES", limits.CERTIFICATE_MAX_BYTES),
        "CERTIFICATE_QUOTA_BYTES": _int(env, "CERTIFICATE_QUOTA_BYTES", 200 * 1024 * 1024),
    }


def check_limits(config: dict) -> None:
    """Refuse settings that cannot work, with the variable's name."""
    if int(config.get("MAIL_CONNECTIONS") or 0) < 1:
        raise ConfigError(f"MAIL_CONNECTIONS must be 1 or more (got {config.get('MAIL_CONNECTIONS')!r})")
    if int(config.get("REMINDER_LEASE_SECONDS") or 0) < 1:
        raise ConfigError(f"REMINDER_LEASE_SECONDS must be 1 or more (got {config.get('REMINDER_LEASE_SECONDS')!r})")


def ensure_secret_key(config: dict, instance_path: str) -> None:
    """Refuse to run in production without SECRET_KEY; elsewhere keep a generated one on disk.

    The development key lives in the instance folder so that sign-ins survive a restart.
    """
    if config.get("SECRET_KEY"):
        return
    if config["RUNGS_ENV"] == "production":
        raise ConfigError(
            "SECRET_KEY is not set: Rungs refuses to start with RUNGS_ENV=production without it. "
            "Set SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    config["SECRET_KEY"] = key_file.read_text().strip()
