"""``crampcare kb``: check the knowledge base, cite a source, list the article's claims."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from crampcare.cli.errors import fail

kb_app = typer.Typer(
    help="The knowledge base: validation, citations and graded claims.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app, name="kb")


@kb_app.command("check")
def check(
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Also fail on every reference not yet checked against its source."),
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Check a copy of the knowledge data (a folder laid out like crampcare/knowledge/data) "
            "instead of the installed one.",
        ),
    ] = None,
) -> None:
    """Validate the knowledge base; exit 1 and list the problems if any, 2 if a file cannot be read."""
    from crampcare.knowledge import KnowledgeFileError, build_from, load, problems
    from crampcare.knowledge.references import unverified

    if data_dir is not None and not data_dir.is_dir():
        raise fail(f"--data-dir: {data_dir} is not a folder")
    try:
        # A file that does not parse stops the check: nothing in it can be validated.
        kb, found = build_from(data_dir) if data_dir is not None else (None, problems())
    except KnowledgeFileError as err:
        raise fail(err.problems, code=2) from None
    if found:
        raise fail(found, code=1)
    if kb is None:
        kb = load()
    if strict and (pending := unverified(kb.references.values())):
        raise fail([*pending, f"{len(pending)} of {len(kb.references)} references not yet checked"], code=1)
    typer.echo(
        f"knowledge base ok: {len(kb.references)} references, {len(kb.conditions)} conditions, "
        f"{len(kb.rules)} rules, {len(kb.drugs)} drugs, {len(kb.interventions)} interventions, "
        f"{len(kb.tests)} tests, {len(kb.claims)} claims, {len(kb.foods)} foods"
    )


@kb_app.command("cite")
def cite(key: Annotated[str, typer.Argument(help="A source key, as printed in `sources`.")]) -> None:
    """Print the full citation behind a source key."""
    from crampcare.knowledge import load

    kb = load()
    if key not in kb.references:
        raise fail(f"kb cite: unknown source key {key!r}")
    typer.echo(kb.cite(key))


@kb_app.command("claims")
def claims(
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    lang: Annotated[str, typer.Option("--lang", help="en or ru")] = "en",
) -> None:
    """Every concrete claim of the source article, with its verdict, reason and sources."""
    from crampcare.i18n import translator
    from crampcare.knowledge import load

    if fmt not in ("text", "json"):
        raise fail(f"--format: must be text or json, not {fmt!r}")
    tr = translator(lang)
    rows = [
        {
            "id": c.id,
            "topic": c.topic,
            "claim": tr(c.claim),
            "verdict": c.verdict,
            "reason": tr(c.reason),
            "sources": list(c.sources),
        }
        for c in load().claims
    ]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "topic", "claim", "verdict", "reason", show_lines=True)
    for c in load().claims:
        table.add_row(c.id, c.topic, tr(c.claim), c.verdict, tr(c.reason))
    Console().print(table)


@kb_app.command("foods")
def foods(
    nutrient: Annotated[str, typer.Option("--nutrient", help="magnesium|potassium|calcium")] = "magnesium",
    top: Annotated[int, typer.Option("--top", min=1, help="How many foods to list.")] = 10,
    search: Annotated[
        str | None, typer.Option("--search", help="Only foods whose English or Russian name contains TEXT.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    lang: Annotated[
        str, typer.Option("--lang", help="en or ru (the text table's names and headings)")
    ] = "en",
) -> None:
    """The foods richest in a mineral (mg per 100 g edible portion; USDA SR24, public domain)."""
    from crampcare.i18n import translator
    from crampcare.knowledge import load
    from crampcare.knowledge.foods import NUTRIENTS, lookup, richest

    if fmt not in ("text", "json"):
        raise fail(f"--format: must be text or json, not {fmt!r}")
    chosen = next((n for n in NUTRIENTS if n == nutrient), None)
    if chosen is None:
        raise fail(f"--nutrient: must be one of {', '.join(NUTRIENTS)}, not {nutrient!r}")
    if lang not in ("en", "ru"):
        raise fail(f"--lang: must be en or ru, not {lang!r}")
    tr = translator(lang)
    table = load().foods
    picked = richest(lookup(table, search) if search else table, chosen, n=top)
    rows = [
        {
            "code": f.code,
            "name": f.name,
            "name_ru": f.name_ru,
            "form": f.form,
            "group": f.group,
            "nutrient": chosen,
            "mg_per_100g": f.amount(chosen),
            "magnesium_mg": f.magnesium_mg,
            "potassium_mg": f.potassium_mg,
            "calcium_mg": f.calcium_mg,
            "usda_name": f.usda_name,
        }
        for f in picked
    ]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    # Whole sentences, not a nutrient name put into one: Russian needs the genitive (магния...).
    titles = {
        "magnesium": tr("Foods richest in magnesium, mg per 100 g (USDA food tables)"),
        "potassium": tr("Foods richest in potassium, mg per 100 g (USDA food tables)"),
        "calcium": tr("Foods richest in calcium, mg per 100 g (USDA food tables)"),
    }
    out = Table(tr("code"), tr("food"), tr("food group"), tr("mg per 100 g"), title=titles[chosen])
    for f in picked:
        out.add_row(f.code, f.label(lang), f.group_label(lang), f"{f.amount(chosen) or 0:.0f}")
    Console().print(out)
    if not picked:
        typer.echo(tr("no matching food"))
