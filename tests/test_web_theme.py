"""Dark theme (issue 11): follows the device (prefers-color-scheme) unless the account says light or
dark, and every key colour pair meets WCAG 2.1 AA in both themes: 4.5:1 for text, 3:1 for borders,
focus rings and other parts of controls (success criteria 1.4.3 and 1.4.11)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.web_support import Browser, app, new_client, owner, sqlite_url

__all__ = ["app", "owner", "sqlite_url"]

CSS = (Path(__file__).resolve().parents[1] / "src/crampcare/web/static/style.css").read_text(encoding="utf-8")
TEXT, NON_TEXT = 4.5, 3.0  # WCAG 2.1 AA
# (foreground, background, minimum): what is written on what in style.css and the templates.
PAIRS = [
    ("fg", "bg", TEXT),
    ("muted", "bg", TEXT),
    ("accent", "bg", TEXT),  # links and outlined buttons
    ("err", "bg", TEXT),
    ("ok", "bg", TEXT),
    ("neutral", "bg", TEXT),
    ("accent-fg", "accent", TEXT),  # primary buttons, the big card
    ("emergency-fg", "emergency", TEXT),  # the emergency banner
    ("fg", "soft", TEXT),  # notices, routine triage
    ("accent", "soft", TEXT),  # links inside notices
    ("muted", "soft", TEXT),
    ("fg", "urgent-bg", TEXT),
    ("accent", "urgent-bg", TEXT),
    ("fg", "self_care-bg", TEXT),
    ("accent", "self_care-bg", TEXT),
    ("line", "bg", NON_TEXT),  # input and fieldset borders
    ("focus", "bg", NON_TEXT),
    ("urgent", "bg", NON_TEXT),
    ("self_care", "bg", NON_TEXT),
    ("routine", "bg", NON_TEXT),
]


def luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour (#rgb or #rrggbb), as WCAG 2.1 defines it."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", block))


def _block(selector: str) -> str:
    start = CSS.index(selector)
    return CSS[start : CSS.index("}", start)]


def themes() -> dict[str, dict[str, str]]:
    return {"light": _variables(_block(":root {")), "dark": _variables(_block('body[data-theme="dark"] {'))}


def test_the_contrast_function_matches_known_values() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#fff", "#fff") == pytest.approx(1.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS)
def test_key_colour_pairs_meet_wcag_aa(theme: str, fg: str, bg: str, minimum: float) -> None:
    colours = themes()[theme]
    ratio = contrast(colours[fg], colours[bg])
    assert ratio >= minimum, f"{theme}: {fg} {colours[fg]} on {bg} {colours[bg]} is {ratio:.2f}:1"


def test_dark_is_really_dark_and_both_dark_blocks_agree() -> None:
    dark = themes()["dark"]
    assert luminance(dark["bg"]) < 0.02 and luminance(dark["fg"]) > 0.7
    media = _block('@media (prefers-color-scheme: dark) {\n  body:not([data-theme="light"]) {')
    assert _variables(media) == dark
    assert set(themes()["light"]) == set(dark)  # no colour forgotten in one theme


def test_no_colour_is_hard_coded_outside_the_themes() -> None:
    rules = CSS[CSS.index("* { box-sizing") : CSS.index("@media print")]
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", rules)


def test_the_account_theme_reaches_every_page(app: Any, owner: Browser) -> None:
    assert 'data-theme="auto"' in new_client(app).get("/knowledge").text  # visitors follow the device
    assert 'data-theme="auto"' in owner.get("/diary").text
    r = owner.post("/account/night", {"bedtime": "22:00", "wake_time": "08:00", "theme": "dark"})
    assert r.status_code == 303
    for page in ("/diary", "/knowledge", "/account"):
        html = owner.get(page).text
        assert 'data-theme="dark"' in html and '<meta name="color-scheme" content="dark">' in html
    missing = owner.get("/nowhere")  # the error page has no account context: it follows the device
    assert missing.status_code == 404 and 'data-theme="auto"' in missing.text
