"""Knowledge pages: conditions, treatments with grades, the article's claims, foods; public."""

from __future__ import annotations

from typing import Any

from crampcare.knowledge import load
from tests.web_support import app, new_client, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]


def test_knowledge_pages(app: Any) -> None:
    visitor = new_client(app)
    kb = load()
    assert visitor.get("/knowledge").status_code == 200
    page = visitor.get("/knowledge/conditions").text
    assert all(c.icd10 in page for c in kb.conditions.values())
    page = visitor.get("/knowledge/treatments").text
    assert page.count('class="badge grade-') == len(kb.interventions)
    assert "<summary>Sources</summary>" in page


def test_claims_browser_with_filters(app: Any) -> None:
    visitor = new_client(app)
    kb = load()
    page = visitor.get("/knowledge/claims").text
    assert page.count('class="badge verdict-') == len(kb.claims)
    wrong = [c for c in kb.claims if c.verdict == "wrong"]
    page = visitor.get("/knowledge/claims?verdict=wrong").text
    assert page.count('class="badge verdict-') == len(wrong)
    topic = kb.claims[0].topic
    page = visitor.get(f"/knowledge/claims?topic={topic}").text
    assert page.count('class="badge verdict-') == sum(c.topic == topic for c in kb.claims)


def test_foods(app: Any) -> None:
    visitor = new_client(app)
    for nutrient in ("magnesium", "potassium", "calcium"):
        page = visitor.get(f"/knowledge/foods?nutrient={nutrient}").text
        assert page.count("<tr><td>") == 25
    assert visitor.get("/knowledge/foods?nutrient=<script>").status_code == 200  # falls back, escaped
    page = visitor.get("/knowledge/foods?q=spinach").text
    assert "pinach" in page


def test_knowledge_in_russian(app: Any) -> None:
    visitor = new_client(app)
    page = visitor.get("/knowledge/treatments", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).text
    assert '<html lang="ru">' in page and "Методы лечения" in page


def test_foods_in_russian(app: Any) -> None:
    """The Russian page names foods in Russian, finds them by their Russian name and says the source."""
    visitor = new_client(app)
    ru = {"Accept-Language": "ru-RU,ru;q=0.9"}
    page = visitor.get("/knowledge/foods?q=курага", headers=ru).text
    assert "<tr><td>курага</td><td>32</td><td>1162</td><td>55</td></tr>" in page  # USDA SR24, NDB 09032
    assert "dried apricots" not in page and "Министерства сельского хозяйства США" in page
    page = visitor.get("/knowledge/foods?nutrient=potassium").text
    assert "USDA" in page and "IFCT" not in page
    assert "<tr><td>dried apricots</td>" in page
