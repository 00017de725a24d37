"""Every UI text of the web app, for its catalogue (``web.po``) and for the test that checks that each
one has a Russian translation.

Texts are found by Babel's own extractors as ``babel.cfg`` (at the repository root) configures them:
the Python extractor for ``tr("...")``, ``_("...")`` and ``N_("...")`` (texts raised as data and
translated by the view) in ``web/``, the Jinja2 extractor for ``_("...")`` in the templates. The label
tables the views translate at run time are added from the tables themselves.

Run ``python -m crampcare.tooling.web_messages`` (part of ``make messages``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

PACKAGE = Path(__file__).resolve().parent.parent  # src/crampcare
ROOT = PACKAGE.parent.parent  # the repository, where babel.cfg is
BABEL_CFG = ROOT / "babel.cfg"
WEB_PO = PACKAGE / "i18n" / "locale" / "{lang}" / "LC_MESSAGES" / "web.po"
# templates: ngettext("{n} night", "{n} nights", n); Python: ntr("{n} night", "{n} nights", n, ctx.tr)
KEYWORDS = {**DEFAULT_KEYWORDS, "tr": None, "ntr": (1, 2)}
Plural = tuple[str, str]


@cache
def _extracted() -> tuple[frozenset[str], frozenset[Plural]]:
    with BABEL_CFG.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(BABEL_CFG))
    found: set[str] = set()
    plurals: set[Plural] = set()
    # babel.cfg's patterns are relative to the repository root
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if isinstance(message, tuple) and len(message) == 2 and all(message):
            plurals.add((str(message[0]), str(message[1])))
        else:
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return frozenset(found), frozenset(plurals)


def extracted_texts() -> frozenset[str]:
    """The texts Babel's extractors find in the files ``babel.cfg`` names."""
    return _extracted()[0]


def ui_plurals() -> frozenset[Plural]:
    """The plural messages (singular, plural) of the web app (``ngettext`` in templates, ``ntr`` in views)."""
    return _extracted()[1]


def table_texts() -> set[str]:
    """The label tables the web views translate at run time (codes -> English text)."""
    from crampcare.labels import OWN_LABELS
    from crampcare.web.app import ERROR_MESSAGES
    from crampcare.web.questionnaire import EXTRA_LABELS
    from crampcare.web.views.diary import CHARTS

    found = {text for table in OWN_LABELS.values() for text in table.values()}
    found |= set(EXTRA_LABELS.values()) | set(ERROR_MESSAGES.values()) | set(CHARTS.values())
    return found


def ui_texts() -> set[str]:
    """Every message id the web app may translate (question texts come from ``messages.po``)."""
    return {t for t in extracted_texts() | table_texts() if any(c.isalpha() for c in t)}


def update_catalogue(lang: str = "ru") -> Path:
    """Rewrite ``locale/<lang>/LC_MESSAGES/web.po``: every UI text, keeping existing translations
    (new texts get an empty translation, which falls back to English until someone translates it)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    path = Path(str(WEB_PO).format(lang=lang))
    known: dict[Any, Any] = {}
    if path.exists():
        with path.open("rb") as fh:
            known = {m.id: m.string for m in read_po(fh, locale=lang) if m.id}
    catalog = Catalog(locale=lang, project="crampcare web", version="0.1.0", fuzzy=False)
    for text in sorted(ui_texts()):
        catalog.add(text, str(known.get(text, "")))
    for pair in sorted(ui_plurals()):
        old = known.get(pair)
        catalog.add(pair, tuple(old) if isinstance(old, tuple | list) else ("",) * catalog.num_plurals)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=110, omit_header=False, sort_output=True)
    return path


if __name__ == "__main__":
    print(update_catalogue())
