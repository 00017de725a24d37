"""Every UI text of the web app, for the catalogue (``web.po``) and for the test that checks that each
one has a Russian translation. Texts are found where they are written: ``_("...")`` in templates,
``tr("...")`` in the views, and the label tables."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
_TEMPLATE_CALL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
_PYTHON_CALL = re.compile(r"""\btr\(\s*"((?:[^"\\]|\\.)*)"(?:\s*,|\s*\))""")


def template_texts() -> set[str]:
    found: set[str] = set()
    for path in (HERE / "templates").glob("*.html"):
        for match in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def python_texts() -> set[str]:
    found: set[str] = set()
    for path in HERE.rglob("*.py"):
        found.update(_PYTHON_CALL.findall(path.read_text(encoding="utf-8")))
    return found


def table_texts() -> set[str]:
    from crampcare.i18n.labels import OWN_LABELS
    from crampcare.web.app import ERROR_MESSAGES
    from crampcare.web.questionnaire import EXTRA_LABELS, STEPS
    from crampcare.web.views.diary import CHARTS
    from crampcare.web.views.medicines import FIELD_MESSAGES

    found = {text for table in OWN_LABELS.values() for text in table.values()}
    found |= set(EXTRA_LABELS.values()) | set(ERROR_MESSAGES.values()) | set(CHARTS.values())
    found |= {title for title, _ in STEPS} | set(FIELD_MESSAGES.values())
    return found


# Messages raised as data (``AuthError.message``, questionnaire problems) and translated by the view.
RAISED_TEXTS = (
    "use 3 to 60 lower-case letters, digits or . _ - @ (e.g. your e-mail)",
    "use at least 8 characters",
    "this name is taken; choose another",
    "this is not your current password",
    "enter a whole number",
    "enter a number, e.g. 4 or 1.5",
    "choose one of the options",
    "choose one of the other accounts",
    "this link is not valid any more; ask for a new one",
)


def ui_texts() -> set[str]:
    """Every message id the web app may translate (question texts come from ``messages.po``)."""
    found = template_texts() | python_texts() | table_texts() | set(RAISED_TEXTS)
    return {t for t in found if any(c.isalpha() for c in t)}


def update_catalogue(lang: str = "ru") -> Path:
    """Rewrite ``locale/<lang>/LC_MESSAGES/web.po``: every UI text, keeping existing translations
    (new texts get an empty translation, which falls back to English until someone translates it).

    Run ``python -m crampcare.web.messages`` after adding texts to the templates or views.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    from crampcare.i18n import __file__ as i18n_init

    path = Path(i18n_init).parent / "locale" / lang / "LC_MESSAGES" / "web.po"
    known: dict[str, str] = {}
    if path.exists():
        with path.open("rb") as fh:
            known = {str(m.id): str(m.string) for m in read_po(fh, locale=lang) if m.id}
    catalog = Catalog(locale=lang, project="crampcare web", version="0.1.0", fuzzy=False)
    for text in sorted(ui_texts()):
        catalog.add(text, known.get(text, ""))
    with path.open("wb") as fh:
        write_po(fh, catalog, width=110, omit_header=False, sort_output=True)
    return path


if __name__ == "__main__":
    print(update_catalogue())
