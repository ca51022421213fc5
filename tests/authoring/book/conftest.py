"""One browser for all the book's tests."""

from __future__ import annotations

import pytest

from tests.browser import browser


@pytest.fixture(scope="module")
def chrome():
    with browser() as chrome:
        yield chrome
