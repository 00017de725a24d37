"""Assessment: the questionnaire (with skip logic), the result page, and saved assessments."""

from __future__ import annotations

import json
import secrets
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Response
from sqlalchemy import select

from crampcare.assess import InputError, assess, parse_inputs
from crampcare.assess.validate import loads_strict
from crampcare.labels import option_section
from crampcare.storage import drafts
from crampcare.storage.auth_models import SavedAssessment
from crampcare.storage.users import utcnow
from crampcare.web import auth
from crampcare.web import questionnaire as qn
from crampcare.web.context import Ctx, form_str, page_ctx, signed_in

router = APIRouter()


def _steps(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Each step's title and the questions it asks now (given the answers so far)."""
    from crampcare.assess.questions import enabled

    steps: list[dict[str, Any]] = [
        {"index": i, "title": title, "questions": [], "extra": []}
        for i, (title, _) in enumerate(qn.STEPS, start=1)
    ]
    for q in qn.all_questions():
        if enabled(q, answers):
            steps[qn.step_of(q) - 1]["extra" if qn.is_extra(q) else "questions"].append(q)
    return steps


def _form_page(
    ctx: Ctx,
    answers: dict[str, Any],
    errors: dict[str, list[str]],
    status: int = 200,
    step: int = 1,
    restored: bool = False,
) -> Response:
    by_id = {q.link_id: q for q in qn.all_questions()}
    wrong = [qn.step_of(by_id[k]) for k in errors if k in by_id]
    if wrong:  # open the first step with something to correct
        step = min(wrong)
    translated = {k: [ctx.tr(m) for m in v] for k, v in errors.items()}
    return ctx.render(
        "assess.html",
        status_code=status,
        steps=_steps(answers),
        current=step,
        answers=answers,
        value=qn.form_value,
        errors=translated,
        triggers=qn.triggers(),
        section=option_section,
        restored=restored,
    )


def _draft_key(ctx: Ctx) -> str:
    """Signed in: the account's draft; otherwise this browser's (the visitor cookie)."""
    owner = f"user:{ctx.account.user.id}" if ctx.account else f"visitor:{ctx.request.state.visitor}"
    return drafts.draft_key("draft", owner)


@router.get("/assess")
def assess_form(ctx: Ctx = Depends(page_ctx)) -> Response:
    from crampcare.web.views.medicines import current_medicine_names

    draft = drafts.get(ctx.db, _draft_key(ctx))
    answers = _draft_answers(draft.input_json) if draft else None
    if draft is not None and answers:  # carry on where the person left off
        return _form_page(ctx, answers, {}, step=qn.read_step(str(draft.step)), restored=True)
    # Signed in: start from the medicines page, so nobody types their medicines twice.
    names = current_medicine_names(ctx)
    return _form_page(ctx, {"medications": names} if names else {}, {})


@router.post("/assess/questions")
def assess_refresh(ctx: Ctx = Depends(page_ctx)) -> Response:
    """The form again: another step ("go": next or back), or the questions the answers so far call
    for (htmx swaps the question list). The answers are kept as a draft."""
    parsed = qn.read_form(ctx.form)
    step = qn.read_step(form_str(ctx.form, "step"))
    go = form_str(ctx.form, "go")
    step = qn.read_step(str(step + {"next": 1, "back": -1}.get(go, 0)))
    drafts.put(
        ctx.db,
        _draft_key(ctx),
        "draft",
        qn.dumps(parsed.answers),  # the answers as given (a draft may lack what a result needs)
        step,
        ctx.account.user.id if ctx.account else None,
    )
    errors = {} if go else parsed.errors  # moving between steps: messages wait for "See my result"
    return _form_page(ctx, parsed.answers, errors, step=step)


@router.post("/assess/restart")
def assess_restart(ctx: Ctx = Depends(page_ctx)) -> Response:
    drafts.drop(ctx.db, _draft_key(ctx))
    return ctx.redirect("/assess")


@router.post("/assess/edit")
def assess_edit(ctx: Ctx = Depends(page_ctx)) -> Response:
    """Back from the result page to the form, with the answers filled in."""
    data = _stored_input(str(ctx.form.get("input_json") or ""))
    return _form_page(ctx, qn.answers_from_input(data) if data else {}, {})


def _draft_answers(text: str) -> dict[str, Any] | None:
    """A draft's answers, read again as the form would read them (so nothing unchecked gets in)."""
    from starlette.datastructures import FormData, UploadFile

    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    lists = {q.link_id for q in qn.all_questions() if q.kind == "text_list"}
    fields: list[tuple[str, str | UploadFile]] = []
    for key, value in data.items():
        if key in lists and isinstance(value, list):
            value = "\n".join(map(str, value))  # one text box, one line each
        for item in value if isinstance(value, list) else [value]:
            text_value = (
                {True: "yes", False: "no"}.get(item, str(item)) if isinstance(item, bool) else str(item)
            )
            fields.append((str(key), text_value))
    return qn.read_form(FormData(fields)).answers or None


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
    # Finished: the draft has done its work ("Change my answers" on the result carries them back).
    drafts.drop(ctx.db, _draft_key(ctx))
    return render_result(ctx, data)


KEEP_COOKIE = "cc_keep"


@router.post("/assess/keep")
def assess_keep(ctx: Ctx = Depends(page_ctx)) -> Response:
    """ "Sign in to save it": the result waits server-side under a one-time token in a cookie, and is
    attached to the account after sign-in (``/assess/claim``)."""
    data = _stored_input(str(ctx.form.get("input_json") or ""))
    if data is None:
        raise HTTPException(status_code=400)
    token = secrets.token_urlsafe(24)
    drafts.put(ctx.db, drafts.draft_key("result", token), "result", qn.dumps(data))
    response = ctx.redirect("/assess/claim" if ctx.account else "/login?next=/assess/claim")
    response.set_cookie(
        KEEP_COOKIE,
        token,
        max_age=int(drafts.KEEP.total_seconds()),
        path="/assess",
        httponly=True,
        samesite="lax",
        secure=bool(ctx.request.state.secure_cookies),
    )
    return response


@router.get("/assess/claim")
def assess_claim(ctx: Ctx = Depends(signed_in)) -> Response:
    """After sign-in: the waiting result becomes a saved assessment of this account (once)."""
    token = ctx.request.cookies.get(KEEP_COOKIE, "")
    row = drafts.take(ctx.db, drafts.draft_key("result", token)) if token else None
    data = _stored_input(row.input_json) if row else None
    if data is None:
        response = ctx.redirect("/assessments")
    else:
        response = ctx.redirect(f"/assessments/{_save(ctx, data).id}")
        drafts.drop(ctx.db, _draft_key(ctx))
    response.delete_cookie(KEEP_COOKIE, path="/assess")
    return response


@router.post("/assess/save")
def assess_save(ctx: Ctx = Depends(signed_in)) -> Response:
    assert ctx.account is not None
    data = _stored_input(str(ctx.form.get("input_json") or ""))
    if data is None:
        raise HTTPException(status_code=400)
    row = _save(ctx, data)
    drafts.drop(ctx.db, _draft_key(ctx))  # answered and kept: the draft has done its work
    return ctx.redirect(f"/assessments/{row.id}")


def _save(ctx: Ctx, data: dict[str, Any]) -> SavedAssessment:
    assert ctx.account is not None
    inputs, _ = parse_inputs(data)
    level = assess(inputs[0]).triage.level
    row = SavedAssessment(
        user_id=ctx.account.user.id, created_at=utcnow(), input_json=qn.dumps(data), triage_level=level
    )
    ctx.db.add(row)
    ctx.db.commit()
    return row


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
