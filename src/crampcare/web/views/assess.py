"""Assessment: the questionnaire (with skip logic), the result page, and saved assessments."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Response
from sqlalchemy import select

from crampcare.assess import InputError, assess, parse_inputs
from crampcare.assess.validate import loads_strict
from crampcare.labels import option_section
from crampcare.storage.auth_models import SavedAssessment
from crampcare.storage.users import utcnow
from crampcare.web import auth
from crampcare.web import questionnaire as qn
from crampcare.web.context import Ctx, page_ctx, signed_in

router = APIRouter()


def _form_page(
    ctx: Ctx, answers: dict[str, Any], errors: dict[str, list[str]], status: int = 200
) -> Response:
    from crampcare.assess.questions import Question, enabled

    shown: list[Question] = []
    extra: list[Question] = []
    for q in qn.all_questions():
        if not enabled(q, answers):
            continue
        (extra if qn.is_extra(q) else shown).append(q)
    translated = {k: [ctx.tr(m) for m in v] for k, v in errors.items()}
    return ctx.render(
        "assess.html",
        status_code=status,
        questions=shown,
        extra=extra,
        answers=answers,
        value=qn.form_value,
        errors=translated,
        triggers=qn.triggers(),
        section=option_section,
    )


@router.get("/assess")
def assess_form(ctx: Ctx = Depends(page_ctx)) -> Response:
    return _form_page(ctx, {}, {})


@router.post("/assess/questions")
def assess_refresh(ctx: Ctx = Depends(page_ctx)) -> Response:
    """The form again with the questions the answers so far call for (htmx swaps the question list)."""
    parsed = qn.read_form(ctx.form)
    return _form_page(ctx, parsed.answers, parsed.errors)


@router.post("/assess/edit")
def assess_edit(ctx: Ctx = Depends(page_ctx)) -> Response:
    """Back from the result page to the form, with the answers filled in."""
    data = _stored_input(str(ctx.form.get("input_json") or ""))
    return _form_page(ctx, qn.answers_from_input(data) if data else {}, {})


def _stored_input(text: str) -> dict[str, Any] | None:
    try:
        data = loads_strict(text)
        parse_inputs(data)
    except (ValueError, InputError):
        return None
    return data if isinstance(data, dict) else None


def render_result(ctx: Ctx, data: dict[str, Any], saved: SavedAssessment | None = None) -> Response:
    from crampcare.present import present

    inputs, _ = parse_inputs(data)
    result = assess(inputs[0], lang=ctx.lang)
    return ctx.render(
        "result.html",
        view=present(result, inputs[0], ctx.lang),
        input_json=qn.dumps(data),
        saved=saved,
    )


@router.post("/assess")
def assess_submit(ctx: Ctx = Depends(page_ctx)) -> Response:
    parsed = qn.read_form(ctx.form)
    data = qn.build_input(parsed.answers)
    errors = dict(parsed.errors)
    if not errors:
        try:
            parse_inputs(data)
        except InputError as err:
            errors = qn.map_problems(err.problems, data)
    if errors:
        return _form_page(ctx, parsed.answers, errors, status=422)
    return render_result(ctx, data)


@router.post("/assess/save")
def assess_save(ctx: Ctx = Depends(signed_in)) -> Response:
    assert ctx.account is not None
    data = _stored_input(str(ctx.form.get("input_json") or ""))
    if data is None:
        raise HTTPException(status_code=400)
    inputs, _ = parse_inputs(data)
    level = assess(inputs[0]).triage.level
    row = SavedAssessment(
        user_id=ctx.account.user.id, created_at=utcnow(), input_json=qn.dumps(data), triage_level=level
    )
    ctx.db.add(row)
    ctx.db.commit()
    return ctx.redirect(f"/assessments/{row.id}")


def _owned(ctx: Ctx, assessment_id: int) -> SavedAssessment:
    """The assessment if it is the signed-in person's; 404 otherwise (not 403: ids reveal nothing)."""
    assert ctx.account is not None
    row = ctx.db.get(SavedAssessment, assessment_id)
    if row is None or row.user_id != ctx.account.user.id:
        raise HTTPException(status_code=404)
    return row


@router.get("/assessments")
def assessments_list(ctx: Ctx = Depends(signed_in)) -> Response:
    assert ctx.account is not None
    rows = ctx.db.scalars(
        select(SavedAssessment)
        .where(SavedAssessment.user_id == ctx.account.user.id)
        .order_by(SavedAssessment.id.desc())
    ).all()
    return ctx.render("assessments.html", rows=rows)


@router.get("/assessments/{assessment_id}")
def assessment_show(assessment_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    row = _owned(ctx, assessment_id)
    return render_result(ctx, json.loads(row.input_json), saved=row)


@router.post("/assessments/{assessment_id}/delete")
def assessment_delete(assessment_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    assert ctx.account is not None
    row = _owned(ctx, assessment_id)
    ctx.db.delete(row)
    ctx.db.commit()
    auth.audit(ctx.db, ctx.account.user.name, "assessment_deleted", str(assessment_id), ctx.address)
    return ctx.redirect("/assessments")
