"""In a real browser: the dashboard's weekly table (no longer part of the page, so that a view costs
the same for a ten-year diary) appears when the person opens it, without a page load."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web_browser import Page, server, sign_up  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_weekly_table_appears_when_opened(chromium: Any, server: str) -> None:  # noqa: F811
    p = Page(chromium, server)
    try:
        sign_up(p)
        p.page.wait_for_url("**/diary")
        p.page.get_by_role("button", name="Save: severity 6 of 10").click()
        p.page.wait_for_url("**/diary?saved=episode")
        assert p.page.locator("#weeks-table").count() == 0
        p.page.get_by_text("Cramps per week as a table").first.click()
        p.page.locator("#weeks-table td").first.wait_for()
        assert p.page.locator("#weeks-table tbody tr").count() == 1
        assert p.page.url.endswith("/diary?saved=episode")  # fetched in place, no navigation
    finally:
        p.close()
