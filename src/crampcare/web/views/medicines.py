"""The medicines page (issue 11, point 6): add, edit and record the end of the medicines a person takes.

Names are read with the assessment's matcher (brands and Russian names too) and shown as the
translated ingredient and class, never as codes. For each medicine the diary's cramp rate before and
after its first day is compared (``stats.medicine_change``). Recording a stop date only records what
happened (usually a change the person's doctor made): no wording here tells anyone to stop a medicine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Response
from sqlalchemy import func, select

from crampcare.diary import service
from crampcare.diary.service import DiaryError
from crampcare.i18n import N_
from crampcare.storage.models import DayLog, Episode, Medication
from crampcare.web import zones
from crampcare.web.context import Ctx, form_str, signed_in

router = APIRouter()
FIELDS = ("name", "dose", "started_on", "stopped_on", "notes")
# What a service problem on a field means, in words the page translates.
FIELD_MESSAGES = {
    "name": N_("Give the medicine's name (at most 200 characters), once for each start date."),
    "dose": N_("Keep the dose to at most 200 characters."),
    "notes": N_("The notes are too long."),
    "stopped_on": N_("The last day cannot be before the first day."),
    "started_on": N_("Give a date like 2026-11-20."),
}


@dataclass
class Recognised:
    name: str  # the ingredient as people of this language write it
    kind: str  # its class in words


def recognise(ctx: Ctx, name: str) -> Recognised | None:
    """What the assessment reads this name as, in the person's words; None when not recognised."""
    from crampcare.assess.medications import medication_index
    from crampcare.knowledge.base import load
    from crampcare.labels import MissingLabel, drug_class_label, drug_label

    drug = medication_index().match(name)
    if drug is None:
        return None
    try:
        label = drug_label(load(), drug.ingredient, ctx.tr)
        kind = drug_class_label(drug.drug_class, ctx.tr) if drug.drug_class else ""
    except MissingLabel:  # never show a code: an unlabelled class is left out
        return None
    return Recognised(label, kind)


def _today(ctx: Ctx) -> dt.date:
    return zones.now_in(ctx.user_zone()).date()


def _user(ctx: Ctx) -> Any:
    assert ctx.account is not None  # guaranteed by ``signed_in``
    return ctx.account.user


def _read_date(ctx: Ctx, name: str, errors: dict[str, str], *, required: bool) -> dt.date | None:
    from crampcare.records.values import EARLIEST, read_date

    text = form_str(ctx.form, name)
    if not text:
        if required:
            errors[name] = ctx.tr("Give a date like 2026-11-20.")
        return None
    try:
        day = read_date(text)
    except ValueError:
        errors[name] = ctx.tr("Give a date like 2026-11-20.")
        return None
    if day > _today(ctx):
        errors[name] = ctx.tr("This date is in the future.")
    elif day < EARLIEST:
        errors[name] = ctx.tr("This date is too long ago.")
    return day


def _service_errors(ctx: Ctx, problems: list[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for line in problems:
        field = line.partition(": ")[0]
        key = field if field in FIELD_MESSAGES else "_form"
        errors[key] = ctx.tr(FIELD_MESSAGES.get(field, "Something in the form could not be saved."))
    return errors


def comparisons(ctx: Ctx, meds: list[Medication]) -> dict[int, dict[str, Any]]:
    """Before/after cramp rates for each medicine, from the person's whole diary."""
    from crampcare.stats.medicine_change import before_after

    user_id = _user(ctx).id
    nights = list(ctx.db.scalars(select(Episode.night_date).where(Episode.user_id == user_id)))
    first_log, last_log = ctx.db.execute(
        select(func.min(DayLog.date), func.max(DayLog.date)).where(DayLog.user_id == user_id)
    ).one()
    covered = [d for d in (*nights, first_log, last_log) if d is not None]
    first, last = (min(covered), max(covered)) if covered else (None, None)
    return {m.id: before_after(nights, first, last, m.started_on, m.stopped_on) for m in meds}


def _page(
    ctx: Ctx,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int | None = None,
) -> Response:
    today = _today(ctx)
    meds = service.list_medications(ctx.db, _user(ctx))
    current = [m for m in meds if m.stopped_on is None or m.stopped_on >= today]
    ended = [m for m in meds if m not in current]
    return ctx.render(
        "medicines.html",
        status_code=status or (422 if errors else 200),
        current=current,
        ended=ended,
        recognised={m.id: recognise(ctx, m.name) for m in meds},
        compare=comparisons(ctx, meds),
        values=values or {"started_on": today.isoformat()},
        errors=errors or {},
        today=today.isoformat(),
        saved=ctx.request.query_params.get("saved"),
    )


@router.get("/medicines")
def medicines_page(ctx: Ctx = Depends(signed_in)) -> Response:
    return _page(ctx)


def _values(ctx: Ctx) -> dict[str, str]:
    return {name: form_str(ctx.form, name) for name in FIELDS}


@router.post("/medicines")
def medicine_add(ctx: Ctx = Depends(signed_in)) -> Response:
    errors: dict[str, str] = {}
    if not form_str(ctx.form, "name"):
        name_message = FIELD_MESSAGES["name"]  # a variable: the extractor reads literals inside tr()
        errors["name"] = ctx.tr(name_message)
    started = _read_date(ctx, "started_on", errors, required=True)
    if errors or started is None:
        return _page(ctx, _values(ctx), errors)
    from crampcare.web.limits import OverLimit, limits_of, over_limit_message, take_rows

    try:
        # A new medicine is a new diary row: counted with it, in the same transaction.
        take_rows(ctx.db, limits_of(ctx.request.app.state), _user(ctx).id, 1)
        med = service.add_medication(
            ctx.db,
            _user(ctx),
            form_str(ctx.form, "name"),
            started,
            dose=form_str(ctx.form, "dose"),
            notes=form_str(ctx.form, "notes"),
        )
    except OverLimit:
        ctx.db.rollback()
        return _page(ctx, _values(ctx), {"name": over_limit_message(ctx.tr)}, status=429)
    except DiaryError as err:
        ctx.db.rollback()
        return _page(ctx, _values(ctx), _service_errors(ctx, err.problems))
    return ctx.redirect(f"/medicines?saved=added#medicine-{med.id}")


def _owned(ctx: Ctx, medication_id: int) -> Medication:
    from crampcare.diary.medication_edit import owned_medication

    try:
        return owned_medication(ctx.db, _user(ctx), medication_id)
    except DiaryError:
        raise HTTPException(status_code=404) from None


def _edit_page(
    ctx: Ctx, med: Medication, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return ctx.render(
        "medicine_form.html",
        status_code=status,
        med=med,
        values=values,
        errors=errors,
        recognised=recognise(ctx, med.name),
        today=_today(ctx).isoformat(),
    )


@router.get("/medicines/{medication_id}/edit")
def medicine_edit_form(medication_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    med = _owned(ctx, medication_id)
    values = {
        "name": med.name,
        "dose": med.dose,
        "started_on": med.started_on.isoformat(),
        "stopped_on": med.stopped_on.isoformat() if med.stopped_on else "",
        "notes": med.notes,
    }
    return _edit_page(ctx, med, values, {})


@router.post("/medicines/{medication_id}")
def medicine_edit(medication_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    from crampcare.diary.medication_edit import update_medication

    med = _owned(ctx, medication_id)
    errors: dict[str, str] = {}
    started = _read_date(ctx, "started_on", errors, required=True)
    stopped = _read_date(ctx, "stopped_on", errors, required=False)
    if errors or started is None:
        return _edit_page(ctx, med, _values(ctx), errors, 422)
    try:
        update_medication(
            ctx.db,
            _user(ctx),
            med.id,
            name=form_str(ctx.form, "name"),
            started_on=started,
            stopped_on=stopped,
            dose=form_str(ctx.form, "dose"),
            notes=form_str(ctx.form, "notes"),
        )
    except DiaryError as err:
        ctx.db.rollback()
        return _edit_page(
            ctx, _owned(ctx, medication_id), _values(ctx), _service_errors(ctx, err.problems), 422
        )
    return ctx.redirect(f"/medicines?saved=changed#medicine-{medication_id}")


@router.post("/medicines/{medication_id}/ended")
def medicine_ended(medication_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    """Record the last day a medicine was taken (what the person's doctor changed, or they did)."""
    med = _owned(ctx, medication_id)
    errors: dict[str, str] = {}
    last_day = _read_date(ctx, "stopped_on", errors, required=True)
    if not errors and last_day is not None:
        try:
            service.stop_medication(ctx.db, _user(ctx), med.id, last_day)
        except DiaryError as err:
            ctx.db.rollback()
            errors = _service_errors(ctx, err.problems)
    if errors:
        values = {
            "name": med.name,
            "dose": med.dose,
            "started_on": med.started_on.isoformat(),
            "stopped_on": form_str(ctx.form, "stopped_on"),
            "notes": med.notes,
        }
        return _edit_page(ctx, _owned(ctx, medication_id), values, errors, 422)
    return ctx.redirect(f"/medicines?saved=ended#medicine-{medication_id}")


def current_medicine_names(ctx: Ctx) -> list[str]:
    """Names of the medicines taken today, to pre-fill the assessment's medicines question."""
    if ctx.account is None:
        return []
    today = _today(ctx)
    return [m.name for m in service.list_medications(ctx.db, ctx.account.user, on_date=today)]
