"""The knowledge base, browsable: conditions, treatments with their grades, the source article's
claims with verdicts, and foods rich in magnesium, potassium and calcium. Read-only and public."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from crampcare.web.context import Ctx, page_ctx

router = APIRouter()
GRADE_ORDER = ("recommended", "possibly_helpful", "insufficient_evidence", "not_recommended")


@router.get("/knowledge")
def index(ctx: Ctx = Depends(page_ctx)) -> Response:
    return ctx.render("knowledge.html", page="index")


@router.get("/knowledge/conditions")
def conditions(ctx: Ctx = Depends(page_ctx)) -> Response:
    from crampcare.knowledge import load

    kb = load()
    items = sorted(kb.conditions.values(), key=lambda c: ctx.tr(c.name))
    return ctx.render("knowledge.html", page="conditions", items=items, cite=kb.cite)


@router.get("/knowledge/treatments")
def treatments(ctx: Ctx = Depends(page_ctx)) -> Response:
    from crampcare.knowledge import load

    kb = load()
    items = sorted(kb.interventions.values(), key=lambda i: (GRADE_ORDER.index(i.grade), i.id))
    return ctx.render("knowledge.html", page="treatments", items=items, cite=kb.cite)


@router.get("/knowledge/claims")
def claims(ctx: Ctx = Depends(page_ctx), topic: str = "", verdict: str = "") -> Response:
    from crampcare.knowledge import load

    kb = load()
    items = [
        c for c in kb.claims if (not topic or c.topic == topic) and (not verdict or c.verdict == verdict)
    ]
    return ctx.render(
        "knowledge.html",
        page="claims",
        items=items,
        cite=kb.cite,
        topics=sorted({c.topic for c in kb.claims}),
        verdicts=sorted({c.verdict for c in kb.claims}),
        topic=topic,
        verdict=verdict,
    )


@router.get("/knowledge/foods")
def foods(ctx: Ctx = Depends(page_ctx), nutrient: str = "magnesium", q: str = "") -> Response:
    from crampcare.knowledge import load
    from crampcare.knowledge.foods import NUTRIENTS, Nutrient, lookup, richest

    kb = load()
    chosen: Nutrient = next((n for n in NUTRIENTS if n == nutrient), "magnesium")
    items = lookup(kb.foods, q)[:30] if q.strip() else richest(kb.foods, chosen, n=25)
    return ctx.render(
        "knowledge.html", page="foods", items=items, nutrients=NUTRIENTS, nutrient=chosen, q=q.strip()
    )
