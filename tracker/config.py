"""Settings from the environment, with safe defaults for one laptop.

Every setting is read here and nowhere else; README.md has the table of variables.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app; the message says what to set."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {value!r})") from None


def from_environment(instance_path: str) -> dict:
    """The app's configuration, read from environment variables."""
    env = os.environ.get("RUNGS_ENV", "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"RUNGS_ENV must be one of {', '.join(ENVIRONMENTS)} (got {env!r})")
    production = env == "production"
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "rungs.sqlite3")
    )
    return {
        "RUNGS_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PLANS_DIR": os.environ.get("PLANS_DIR") or str(PROJECT_ROOT / "plans"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Rungs <no-reply@localhost>"),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 30),
        # SMTP connections a reminder sweep sends over at once (each a thread).
        "MAIL_CONNECTIONS": _int("MAIL_CONNECTIONS", 1),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR") or str(Path(instance_path) / "outbox"),
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 3600),
        "SIGN_UP_LINK_MAX_AGE": _int("SIGN_UP_LINK_MAX_AGE", 24 * 3600),
        # Cookies: HttpOnly and SameSite=Lax always; Secure wherever the app is served over HTTPS.
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 12 * 1024 * 1024),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Absolute links in emails (reminders, password resets sent by the worker).
        "RUNGS_BASE_URL": os.environ.get("RUNGS_BASE_URL") or "http://127.0.0.1:5000",
        "REMINDER_SWEEP_SECONDS": _int("REMINDER_SWEEP_SECONDS", 60),
        # How long a claimed reminder is a sweeper's alone; a long sweep renews it.
        "REMINDER_LEASE_SECONDS": _int("REMINDER_LEASE_SECONDS", 300),
        "PAGE_CACHE_SIZE": _int("PAGE_CACHE_SIZE", 1024),
        # Sign-in throttling: failed attempts per account and per address, in shared storage.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_KEY_PREFIX": "rungs",
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT") or "5 per 15 minutes",
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS") or "30 per 15 minutes",
        # Sign-up and password-reset emails one address may be sent (stops flooding an inbox).
        "EMAIL_LINKS_PER_RECIPIENT": os.environ.get("EMAIL_LINKS_PER_RECIPIENT") or "5 per 15 minutes",
        "LOG_FORMAT": (os.environ.get("LOG_FORMAT") or "text").strip().lower(),
        # CEU certificates: stored outside static under random names, served only to their owner.
        "CERTIFICATE_DIR": os.environ.get("CERTIFICATE_DIR") or str(Path(instance_path) / "certificates"),
        "CERTIFICATE_MAX_BYTES": _int("CERTIFICATE_MAX_BYTES", 10 * 1024 * 1024),
        "CERTIFICATE_QUOTA_BYTES": _int("CERTIFICATE_QUOTA_BYTES", 200 * 1024 * 1024),
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
