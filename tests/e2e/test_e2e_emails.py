"""Every email's HTML part in Chromium at a phone's width (390 px) and a desktop's: nothing wider
than the screen (no sideways scrolling in a mail app), the one button large enough to tap.

RUNGS_EMAIL_SHOTS=<folder> also saves a screenshot of each (for a person to look at)."""
from __future__ import annotations

import os
from pathlib import Path

import time_machine

from conftest import NOW
from email_samples import account_samples, reminder_samples
from e2e.ui import PHONE

DESKTOP = {"width": 1280, "height": 900}


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def test_every_email_fits_a_390_px_screen_with_a_finger_sized_button(app, smtp, page):
    with time_machine.travel(NOW, tick=False), app.app_context():
        emails = {**account_samples(smtp), **reminder_samples(smtp)}
    assert len(emails) == 10
    shots = os.environ.get("RUNGS_EMAIL_SHOTS")
    for name, message in emails.items():
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            page.set_content(html_of(message))
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], (name, size, width)
            button = page.locator("a[style*='display:block']").first.bounding_box()
            assert button["height"] >= 44 and button["width"] >= 200, (name, button)
            # Text is not shrunk to fit: the body text is at least 16 px.
            assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('td td, td p') || document.body).fontSize)") >= 15
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(shots) / f"email-{name}-{size['width']}.png"), full_page=True)
