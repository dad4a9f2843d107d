"""Headless Chromium (Debian's chromium and chromium-driver) driven by Selenium, or a skip that says what is missing.

`make setup` and .ci/run install both where they can (as root with apt-get). The flags keep Chromium off the network:
the machine has none, and its background connections would be refused and logged.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless=new",
    "--no-sandbox",  # as root there is no user namespace sandbox to use
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)


def _missing() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is missing (Debian's chromium package: make setup installs it when run as root)"
    if not shutil.which("chromedriver"):
        return "chromedriver is missing (Debian's chromium-driver package: make setup installs it when run as root)"
    try:
        import selenium  # noqa: F401, PLC0415
    except ImportError:
        return "selenium is not installed (requirements/dev.lock: run make setup)"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium with a fresh profile that keeps its console log; skips the test where there is none."""
    missing = _missing()
    if missing:
        pytest.skip(f"no headless browser: {missing}")
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        try:
            yield driver
        finally:
            driver.quit()
