"""Sign-in throttling per account and per address, with one generic message, in shared storage."""
from __future__ import annotations

import uuid

import redis

from tracker import create_app

from conftest import app_config
from builders import make_user, signed_in
from support import Browser, text_of


def attempt(browser: Browser, email: str, password: str, address: str):
    return browser.post("/login", {"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_failed_sign_ins_to_one_account_are_throttled_from_any_address(app, browser):
    make_user(app, email="target@example.com")  # (from another device)
    for n in range(5):
        assert attempt(browser, "target@example.com", "wrong password!", f"10.0.0.{n}").status_code == 422
    blocked = attempt(browser, "Target@Example.com", "correct horse battery", "10.0.0.99")
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in text_of(blocked)
    # Another account from the same address is not affected.
    make_user(app, email="other@example.com")
    assert attempt(browser, "other@example.com", "wrong password!", "10.0.0.99").status_code == 422


def test_many_accounts_from_one_address_are_throttled_with_the_same_message(app, browser):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    for n in range(3):
        assert attempt(browser, f"nobody{n}@example.com", "whatever!!", "192.0.2.7").status_code == 422
    blocked = attempt(browser, "nobody9@example.com", "whatever!!", "192.0.2.7")
    assert blocked.status_code == 429 and "Too many sign-in attempts" in text_of(blocked)


def test_successful_sign_ins_do_not_count(app, browser):
    signed_in(browser, email="me@example.com")
    for _ in range(8):
        browser.post("/logout")
        browser.forget_token()
        assert attempt(browser, "me@example.com", "correct horse battery", "198.51.100.1").status_code == 302


def test_the_limit_holds_across_app_instances_sharing_redis(tmp_path, migrated_template):
    import shutil

    run = uuid.uuid4().hex[:8]  # keys of this run only, removed afterwards
    email = f"shared-{run}@example.com"
    addresses = [f"fd00::{run[:4]}:{n}" for n in range(7)]
    database = tmp_path / "shared.sqlite3"
    shutil.copy(migrated_template, database)
    config = {**app_config(tmp_path, database), "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    first, second = create_app(config), create_app(config)
    browsers = [Browser(first.test_client()), Browser(second.test_client())]
    client = redis.Redis(host="127.0.0.1", port=6379)
    try:
        for n in range(5):
            assert attempt(browsers[n % 2], email, "wrong password!", addresses[n]).status_code == 422
        assert attempt(browsers[1], email, "wrong password!", addresses[5]).status_code == 429
        assert attempt(browsers[0], email, "wrong password!", addresses[6]).status_code == 429
        assert client.keys(f"*{email}*")  # the count lives in Redis, where every worker sees it
    finally:
        for pattern in (f"*{email}*", f"*fd00::{run[:4]}:*"):
            for key in client.scan_iter(pattern):
                client.delete(key)
        client.close()


def test_a_stranger_spending_the_accounts_attempts_never_locks_out_a_device_that_signed_in_before(app, browser):
    signed_in(browser, email="target@example.com")  # this browser is now a known device
    browser.post("/logout")
    browser.forget_token()
    stranger = Browser(app.test_client())
    for n in range(8):
        attempt(stranger, "target@example.com", "wrong password!", f"203.0.113.{n}")
    assert attempt(stranger, "target@example.com", "correct horse battery", "203.0.113.50").status_code == 429
    # The owner's browser, from any address, with the right password: in.
    assert attempt(browser, "target@example.com", "correct horse battery", "198.51.100.9").status_code == 302


def test_a_known_device_cookie_is_worth_nothing_for_another_account(app, browser):
    signed_in(browser, email="mine@example.com")
    browser.post("/logout")
    browser.forget_token()
    make_user(app, email="target@example.com")
    stranger = Browser(app.test_client())
    for n in range(5):
        attempt(stranger, "target@example.com", "wrong password!", f"203.0.113.{n}")
    # mine@'s device cookie does not lift target@'s lock.
    assert attempt(browser, "target@example.com", "correct horse battery", "198.51.100.9").status_code == 429
    forged = Browser(app.test_client())
    forged.client.set_cookie("rungs_device", "eyJ1IjoyfQ.forged", domain="localhost")
    assert attempt(forged, "target@example.com", "correct horse battery", "198.51.100.9").status_code == 429


def forwarded(browser: Browser, client_address: str, email: str = "nobody@example.com"):
    return browser.post("/login", {"email": email, "password": "whatever!!"},
                        environ_base={"REMOTE_ADDR": "10.0.0.1"}, headers={"X-Forwarded-For": client_address})


def test_behind_a_proxy_the_address_limit_counts_each_real_client(tmp_path, migrated_template):
    import shutil

    database = tmp_path / "proxied.sqlite3"
    shutil.copy(migrated_template, database)
    app = create_app({**app_config(tmp_path, database), "PROXY_COUNT": 1, "LOGIN_LIMIT_PER_ADDRESS": "3 per 15 minutes"})
    browser = Browser(app.test_client())
    for n in range(3):
        assert forwarded(browser, "192.0.2.1", f"a{n}@example.com").status_code == 422
    assert forwarded(browser, "192.0.2.1", "a9@example.com").status_code == 429
    # Another client behind the same proxy is not throttled for the first one's attempts.
    assert forwarded(browser, "192.0.2.2", "b@example.com").status_code == 422


def test_without_a_proxy_setting_x_forwarded_for_is_ignored(app, browser):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    for n in range(3):
        assert forwarded(browser, f"192.0.2.{n}", f"a{n}@example.com").status_code == 422
    # A made-up X-Forwarded-For does not buy a fresh allowance.
    assert forwarded(browser, "192.0.2.200", "a9@example.com").status_code == 429


def test_every_limit_is_on_a_limited_method_so_the_limiter_never_skips_one(app, browser):
    """Requests of other methods skip the limiter (tracker/extensions.py): a limit on GET, or one
    for every method, would never be checked, so none may be declared."""
    from tracker.extensions import LIMITED_METHODS, limiter

    manager = limiter.limit_manager
    declared = [group for groups in manager._decorated_limits.values() for group in groups]
    declared += [group for groups in manager._blueprint_limits.values() for group in groups]
    declared += list(manager._application_limits) + list(manager._default_limits)
    assert len(declared) >= 5  # sign-up, reset, sign-in (two) and email change
    limited = {method.lower() for method in LIMITED_METHODS}
    for group in declared:
        assert group.methods and set(group.methods) <= limited, group
    # And the filter lets those methods through: a post is still counted.
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "1 per 15 minutes"
    assert attempt(browser, "nobody@example.com", "whatever!!", "192.0.2.8").status_code == 422
    assert attempt(browser, "nobody@example.com", "whatever!!", "192.0.2.8").status_code == 429
    assert browser.get("/login", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 200
