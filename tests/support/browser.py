"""A real browser for the console's tests: Debian's Chromium driven by Playwright (PyPI), launched
by path because Playwright's own browser download is not available here. Without Chromium the
tests that need it are skipped; with CI=true they fail instead (`.ci/run` installs it)."""
import os
import shutil

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path():
    found = os.environ.get("CHROMIUM_PATH") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if found:
        return found
    message = "Chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


class Screenshots:
    """Saves a full-page screenshot of each page under `folder`, numbered in the order taken."""

    def __init__(self, folder):
        self.folder, self.taken = folder, []

    def take(self, page, name):
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000, path
        self.taken.append(path)
        return path
