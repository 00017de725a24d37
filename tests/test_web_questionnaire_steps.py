"""The questionnaire in steps (issue 11, point 7), driven by the keyboard in Chromium: one topic per
screen with "Step n of 6", Next and Back, focus on each new step's heading and on the control whose
answer showed more questions, a draft kept on the server, the same steps without JavaScript, and a
result that survives "Sign in to save it"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crampcare.web.app import create_app
from tests.web_support import PASSWORD, LiveServer, new_client, sign_up_owner

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
WORDS = {
    "en": {
        "next": "Next",
        "back": "Back",
        "result": "See my result",
        "step": "Step {n} of 6",
        "titles": ["About you", "Warning signs", "Your cramps", "What you notice", "Health and medicines"],
        "keep": "Sign in to save it",
        "restored": "Your answers from last time are filled in.",
        "pregnant": "Are you pregnant?",
    },
    "ru": {
        "next": "Далее",
        "back": "Назад",
        "result": "Показать результат",
        "step": "Шаг {n} из 6",
        "titles": ["О вас", "Опасные признаки", "Ваши судороги", "Что вы замечаете", "Здоровье и лекарства"],
        "keep": "Войдите, чтобы сохранить",
        "restored": "Ваши ответы с прошлого раза уже заполнены.",
        "pregnant": None,
    },
}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    app = create_app(f"sqlite:///{tmp_path / 'steps.sqlite'}", secure_cookies=False)
    sign_up_owner(app)  # "anna", who signs in to keep a result
    with LiveServer(app) as server:
        yield server.url, app
    app.state.db.dispose()
    app.state.read_db.dispose()


def focused(page: Any) -> dict[str, str]:
    info: dict[str, str] = page.evaluate(
        "() => { const a = document.activeElement;"
        " return {id: a.id || '', tag: a.tagName, text: (a.innerText || a.value || '').trim()}; }"
    )
    return info


def tab_to(page: Any, check: Any, limit: int = 80) -> int:
    """Press Tab until ``check(focused)`` holds; the number of presses (fails past ``limit``)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if check(focused(page)):
            return presses
    raise AssertionError(f"not reached with {limit} tab presses; focus is on {focused(page)}")


def visible_step(page: Any) -> str:
    section = page.locator("section.step:not([hidden])")
    assert section.count() == 1
    return str(section.get_attribute("id"))


def press_button(page: Any, name: str) -> None:
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == name)
    page.keyboard.press("Enter")


def wait_heading_focus(page: Any, n: int) -> None:
    page.wait_for_function(f"() => document.activeElement?.id === 'step-{n}-heading'")


@pytest.mark.parametrize(("lang", "viewport"), [("en", "phone"), ("ru", "desktop")])
def test_steps_by_keyboard_focus_draft_and_a_result_kept_through_sign_in(
    chromium: Any, live: tuple[str, Any], lang: str, viewport: str
) -> None:
    base, _ = live
    words = WORDS[lang]
    context = chromium.new_context(
        viewport=VIEWPORTS[viewport], service_workers="block", extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(base + "/assess")
        assert visible_step(page) == "step-1"
        assert page.locator("#step-1-progress").inner_text() == words["step"].format(n=1)
        assert page.locator("#step-1-heading").inner_text() == words["titles"][0]

        # The first question is a few tab stops away (skip link, menu, languages), not a hundred.
        assert tab_to(page, lambda f: f["id"] == "age_years", limit=20) <= 20
        page.keyboard.type("45")
        page.keyboard.press("Tab")  # into the sex radios: the first, "female"
        assert focused(page)["id"] == "sex-1"
        page.keyboard.press("Space")  # choosing female shows the pregnancy questions...
        page.locator("#q-pregnancy-pregnant").wait_for()
        if words["pregnant"]:
            assert page.locator("#q-pregnancy-pregnant legend").inner_text() == words["pregnant"]
        assert focused(page)["id"] == "sex-1"  # ...and focus stays on the answer that changed
        assert page.locator("#sex-1").is_checked()

        # Next: step 2, focus on its heading; then through the steps with the keyboard only.
        press_button(page, words["next"])
        wait_heading_focus(page, 2)
        assert visible_step(page) == "step-2"
        assert page.locator("#step-2-progress").inner_text() == words["step"].format(n=2)
        assert focused(page)["text"] == words["titles"][1]
        press_button(page, words["back"])
        wait_heading_focus(page, 1)
        assert page.locator("#age_years").input_value() == "45"  # nothing lost on the way
        for n in range(2, 7):
            press_button(page, words["next"])
            wait_heading_focus(page, n)
            assert visible_step(page) == f"step-{n}"
            assert page.locator(f"#step-{n}-progress").inner_text() == words["step"].format(n=n)
        assert (
            page.locator("section.step:not([hidden])").get_by_role("button", name=words["next"]).count() == 0
        )

        # The draft is on the server: a new visit carries on at step 6 with the answers.
        page.goto(base + "/assess")
        assert page.get_by_role("status").first.inner_text().startswith(words["restored"])
        assert visible_step(page) == "step-6"
        assert page.locator("#age_years").input_value() == "45"

        press_button(page, words["result"])
        page.wait_for_url("**/assess")
        page.get_by_role("button", name=words["keep"]).wait_for()
        press_button(page, words["keep"])
        page.wait_for_url("**/login?next=/assess/claim")
        page.locator("#name").fill("anna")
        page.locator("#password").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/assessments/*")
        page.goto(base + "/assessments")
        assert page.locator("main table tbody tr, main li").count() >= 1
        # The draft went with the result: the questionnaire starts afresh for the account.
        page.goto(base + "/assess")
        assert visible_step(page) == "step-1" and page.locator("#age_years").input_value() == ""
    finally:
        context.close()


def test_steps_work_without_javascript(chromium: Any, live: tuple[str, Any]) -> None:
    base, _ = live
    context = chromium.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(base + "/assess")
        page.locator("#age_years").fill("45")
        page.locator("#sex-1").check()
        page.get_by_role("button", name="Next").click()  # a form submission: the server shows step 2
        page.wait_for_url("**/assess/questions")
        assert visible_step(page) == "step-2"
        assert page.locator("#step-2-progress").inner_text() == "Step 2 of 6"
        page.get_by_role("button", name="Back").click()
        assert visible_step(page) == "step-1"
        assert page.locator("#age_years").input_value() == "45"
        assert page.locator("#q-pregnancy-pregnant").is_visible()  # shown by the server, no script
        page.get_by_role("button", name="See my result").click()
        page.wait_for_url("**/assess")
        assert page.get_by_role("button", name="Sign in to save it").is_visible()
    finally:
        context.close()


def test_a_stolen_or_replayed_keep_token_gives_nothing(live: tuple[str, Any]) -> None:
    """The waiting result is attached once, to whoever holds the cookie, and never again."""
    from crampcare.storage import drafts

    _, app = live
    visitor = new_client(app)
    token = visitor.token("/assess")
    data = '{"age_years":45,"sex":"female"}'
    assert visitor.post("/assess/keep", {"csrf": token, "input_json": data}).status_code == 303
    keep = visitor.client.cookies.get("cc_keep")
    assert keep
    with app.state.db.session() as s:
        row = s.get(drafts.AssessmentDraft, drafts.draft_key("result", keep))
        assert row is not None and row.user_id is None and keep not in row.key  # stored under a hash
    visitor.post("/login", {"csrf": visitor.token("/login"), "name": "anna", "password": PASSWORD})
    first = visitor.get("/assess/claim")
    assert first.headers["location"].startswith("/assessments/")
    visitor.client.cookies.set("cc_keep", keep, path="/assess")
    assert visitor.get("/assess/claim").headers["location"] == "/assessments"  # used up
    bad = visitor.post("/assess/keep", {"csrf": visitor.token("/assess"), "input_json": "{nonsense"})
    assert bad.status_code == 400
