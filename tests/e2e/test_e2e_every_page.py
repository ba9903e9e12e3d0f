"""Every page, as tools/screenshots.py visits it (long text in every free-text field: a 120-character
URL as a cost, unbroken 120- and 200-character titles, long CEU titles and providers, long notes),
at 390 and 1280 px: no wider than the window, no serious axe-core finding, and none of the words
of the people who built it ("plans/", "seed", "confidence:")."""
from __future__ import annotations

import sys
from pathlib import Path

from e2e.ui import accessibility_problems, horizontal_overflow

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import screenshots  # noqa: E402  (tools/ is not a package: the same walk makes the docs' pictures)

DEVELOPER_WORDS = ("plans/", "seed", "confidence:")


class Inspector(screenshots.Shooter):
    """Where screenshots.py takes a picture, check the page at both widths instead."""

    def __init__(self) -> None:
        super().__init__(Path("."))
        self.problems: list[str] = []

    def shoot(self, page, name: str, reload: bool = True) -> None:
        page.wait_for_load_state()
        for size_name, size in screenshots.SIZES.items():
            page.set_viewport_size(size)
            if reload:
                page.reload()
            where = f"{name} at {size['width']} px ({page.url})"
            overflow = horizontal_overflow(page)
            if overflow > 0:
                widest = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                        .slice(-3).map((e) => e.tagName + '.' + e.className).join(', ')"""
                )
                self.problems.append(f"{where}: {overflow} px wider than the window ({widest})")
            self.problems.extend(f"{where}: {line}" for line in accessibility_problems(page))
            text = page.inner_text("body").lower()
            self.problems.extend(f"{where}: says {word!r}" for word in DEVELOPER_WORDS if word in text)
        page.set_viewport_size(screenshots.SIZES["desktop"])
        self.names.append(name)


def test_every_page_fits_a_phone_and_a_desktop_with_long_text_and_passes_axe(chromium, live_server):
    inspector = Inspector()

    screenshots.visitor(chromium, live_server.url, inspector)
    screenshots.aspiring_coder(chromium, live_server.url, live_server.outbox, inspector)
    screenshots.working_coder(chromium, live_server.url, live_server.outbox, inspector)

    assert len(inspector.names) >= 35, inspector.names
    assert not inspector.problems, "\n".join(inspector.problems)
