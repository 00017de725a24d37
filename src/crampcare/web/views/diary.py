"""The diary: quick "cramp now" logging, the full episode form, the evening log, the dashboard with
charts and statistics, import and export. Every change goes through ``crampcare.diary.service``,
which checks ownership (an id of someone else's episode is "not found") and validates the values."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from markupsafe import Markup
from sqlalchemy import select, tuple_
from starlette.datastructures import UploadFile

from crampcare.diary import service
from crampcare.diary.service import DiaryError
from crampcare.errors import Problem, Problems
from crampcare.i18n import ntr, number
from crampcare.labels import code_label
from crampcare.records import DAY_LOG_FIELDS, EPISODE_FIELDS, RELIEF_CODES, SIDES
from crampcare.spec import codes
from crampcare.storage.models import DayLog, Episode
from crampcare.storage.prefs import asleep_at
from crampcare.web import auth, zones
from crampcare.web.context import TEMPLATES, Ctx, NeedsLogin, build_ctx, form_list, form_str, signed_in
from crampcare.web.limits import (
    Limits,
    OverLimit,
    check_rows,
    estimate_rows,
    limits_of,
    over_limit_message,
    take_rows,
)
from crampcare.web.paging import PAGE_SIZE, Page, Position, read_position
from crampcare.web.views.common import field_errors

router = APIRouter()
T = TypeVar("T")
CHARTS = {
    "episodes_per_week": "Cramps per week",
    "hour_of_night": "When cramps start (local time)",
    "severity_over_time": "Severity over time (0-10)",
}
EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "fhir": ("application/fhir+json", "fhir.json"),
}


def _limits(ctx: Ctx) -> Limits:
    return limits_of(ctx.request.app.state)


def _user(ctx: Ctx) -> Any:
    assert ctx.account is not None  # guaranteed by ``signed_in``
    return ctx.account.user


def zone_name_of(ctx: Ctx) -> str:
    return zones.valid_zone(form_str(ctx.form, "tz")) or ctx.zone_name


def zone_of(ctx: Ctx) -> dt.tzinfo:
    """The zone a submitted form was shown in (its hidden ``tz``), else the account's zone.

    The server renders ``tz`` with the zone the form displays and fills "now" in; reading the typed
    time in the same zone is what keeps a cramp on the right night (issue 11).
    """
    return zones.zone(zone_name_of(ctx))


def local_now(ctx: Ctx) -> dt.datetime:
    return zones.now_in(zone_of(ctx))


def muscles() -> list[str]:
    # The common leg muscles first: a person at 3 a.m. should not scroll.
    first = ["calf", "foot", "toes", "thigh_back", "thigh_front", "shin"]
    return first + sorted(codes("cramp_locations") - set(first))


def recent_episodes(ctx: Ctx, count: int) -> list[Episode]:
    """The latest ``count`` episodes, newest first (one indexed query, not the whole diary)."""
    query = (
        select(Episode)
        .where(Episode.user_id == _user(ctx).id)
        .order_by(Episode.started_at_utc.desc(), Episode.id.desc())
        .limit(count)
    )
    return list(ctx.db.scalars(query))


class _ByDiaryVersion:
    """A small LRU of things that change only with a user's diary: rendered dashboard sections,
    chart SVGs. Keyed by the diary version (bumped by every write, ``storage.versioning``), the
    database and the account's id, name and creation time (a recreated account reusing an id never
    sees another's), plus what the caller adds (language, chart name)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.values: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, ctx: Ctx, user: Any, extra: tuple[Any, ...], build: Callable[[], T]) -> T:
        from crampcare.storage.versioning import diary_version, has_uncommitted_diary_writes

        if has_uncommitted_diary_writes(ctx.db):  # a write may still roll back: never cache
            return build()
        bind = ctx.db.get_bind()
        version = diary_version(ctx.db, user.id)  # read before building (see stats.sql_summary)
        key = (str(bind.engine.url), user.id, user.name, user.created_at, version, *extra)
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                hit: T = self.values[key]
                return hit
        value = build()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value


_PARTS = _ByDiaryVersion()
_CHARTS = _ByDiaryVersion()


def _diary_parts(ctx: Ctx, user: Any) -> dict[str, Any]:
    """The summary and recent-cramps sections (HTML) and the quick form's defaults.

    They depend only on the diary, so they are rendered once per diary version and language; a
    view then costs one primary-key read for them, whatever the length of the diary.
    """
    return _PARTS.get(ctx, user, (ctx.lang, ctx.prefs.theme), lambda: _render_parts(ctx, user))


def _render_parts(ctx: Ctx, user: Any) -> dict[str, Any]:
    from crampcare.diary.activity import activity_factors
    from crampcare.stats.sql_summary import summary_counts

    recent = recent_episodes(ctx, 15)
    last = recent[0] if recent else None
    values: dict[str, Any] = {
        "_": ctx.tr,
        "ngettext": partial(ntr, lang=ctx.tr),
        "number": partial(number, ctx.lang),
        "lang": ctx.lang,
        "label": partial(code_label, ctx.tr),
        "stats": summary_counts(ctx.db, user),
        "recent": recent,
        "records": {e.id: service.episode_record(e) for e in recent},
        "charts": CHARTS,
        # Phone activity (Apple Health / Google Fit imports) as factors; empty until one is imported.
        "activity": activity_factors(ctx.db, user),
        "theme": ctx.prefs.theme,  # the charts are drawn in the page's theme
    }
    env = TEMPLATES.env
    return {
        "summary_html": Markup(env.get_template("_diary_summary.html").render(values)),
        "recent_html": Markup(env.get_template("_diary_recent.html").render(values)),
        "default_muscle": last.muscle if last else "calf",
        "default_side": last.side if last else "both",
    }


def _dashboard(
    ctx: Ctx, errors: dict[str, list[str]] | None = None, status: int = 200, **extra: Any
) -> Response:
    from crampcare.experiments.service import tonight_assignments
    from crampcare.records.nights import tonight

    user = _user(ctx)
    now = local_now(ctx)
    values: dict[str, Any] = {
        **_diary_parts(ctx, user),
        "muscles": muscles(),
        "sides": SIDES,
        "today": now.date().isoformat(),
        # Never cached: experiments are not part of the diary version, and tonight's plan must be right.
        "tonight": tonight_assignments(ctx.db, user, tonight(now)),
        "errors": errors or {},
        "export_types": list(EXPORT_TYPES),
        "form_zone": zone_name_of(ctx),
    }
    values.update(extra)
    return ctx.render("diary.html", status_code=status, **values)


def _dashboard_view(request: Request) -> Response:
    # What ``Depends(signed_in)`` does (a read session, the context, the sign-in check), in one
    # worker-thread call: the dependency chain costs three thread hand-offs per view, which on the
    # most visited page was a large share of its cost.
    with request.app.state.read_db.session() as db:
        ctx = build_ctx(request, db)
        if ctx.account is None:
            raise NeedsLogin
        saved = request.query_params.get("saved")
        undo = None
        if saved == "episode":  # just after a quick log: its undo travels in a short-lived cookie
            episode_id, _, rest = request.cookies.get(UNDO_COOKIE, "").partition(".")
            at, _, sig = rest.partition(".")
            undo = _undo_offer(ctx, {"undo": episode_id, "at": at, "sig": sig})
        return _dashboard(ctx, saved=saved, undo=undo)


@router.get("/diary")
async def dashboard(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_dashboard_view, request)


# How long an "undo" stays possible after a quick log. The button disappears after UNDO_SHOWN_S;
# the server accepts it a little longer for a slow tap on a slow phone.
UNDO_SHOWN_S = 10
UNDO_ACCEPTED_S = 60
UNDO_COOKIE = "cc_undo"


def _undo_signature(ctx: Ctx, episode_id: int, at: int) -> str:
    """Binds an undo to this person, this episode and the moment it was saved."""
    message = f"undo:{_user(ctx).id}:{episode_id}:{at}".encode()
    return hmac.new(ctx.secret, message, hashlib.sha256).hexdigest()


def _undo_offer(ctx: Ctx, query: dict[str, str]) -> dict[str, Any] | None:
    """The just-saved episode and a signed undo for it, when the link is fresh and the episode is theirs."""
    try:
        episode_id, at = int(query.get("undo", "")), int(query.get("at", ""))
    except ValueError:
        return None
    if not hmac.compare_digest(query.get("sig", ""), _undo_signature(ctx, episode_id, at)):
        return None
    if not 0 <= time.time() - at <= UNDO_ACCEPTED_S:
        return None
    try:
        episode = service.get_episode(ctx.db, _user(ctx), episode_id)
    except DiaryError:
        return None
    return {"episode": episode, "at": at, "sig": query.get("sig"), "seconds": UNDO_SHOWN_S}


class TapTimeError(Problems):
    """The tap time a queued quick log carries is not a time with a UTC offset."""

    def __init__(self, text: str) -> None:
        super().__init__([Problem("tapped_at", "is not a time with a UTC offset: {value}", {"value": text})])


def _tap_time(ctx: Ctx) -> dt.datetime:
    """When the severity button was tapped, in the form's zone.

    The service worker stamps a quick log with ``tapped_at`` (UTC) before sending it, and keeps that
    stamp when it has to queue the log offline: a retry then carries the same start, which the diary
    refuses as a duplicate, so a log that did arrive is never saved twice. Without the stamp it is now.
    """
    text = form_str(ctx.form, "tapped_at")
    if not text:
        return local_now(ctx)
    try:
        tapped = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TapTimeError(text) from None
    if tapped.tzinfo is None:
        raise TapTimeError(text)
    if zones.is_future(tapped):  # a phone clock running fast: log the cramp now rather than lose it
        return local_now(ctx)
    return tapped.astimezone(zone_of(ctx)).replace(microsecond=0)


def _same_second(ctx: Ctx, record: Any) -> Episode | None:
    """The person's episode with the same start (to the second), muscle and side, if any."""
    utc = record.started_at.astimezone(dt.UTC).replace(tzinfo=None)
    query = select(Episode).where(
        Episode.user_id == _user(ctx).id,
        Episode.started_at_utc == utc,
        Episode.muscle == record.muscle,
        Episode.side == record.side,
    )
    return ctx.db.scalars(query).first()


def _quick_episode(ctx: Ctx, *, strict: bool = False) -> Episode:
    """Save a quick log (muscle, side, severity at the tap time); raises ``DiaryError``.

    Two taps within one second: the same severity again is a double tap (the episode already saved is
    the answer, nothing is counted twice); another severity is another log, saved a second later.
    ``strict`` (replays of queued logs) refuses any clash, which is what makes a retry idempotent.
    """
    try:
        when = _tap_time(ctx)
    except TapTimeError:
        raise DiaryError(["started_at: " + ctx.tr("This time is not usable; log the cramp again.")]) from None
    prefs = ctx.prefs
    woke = asleep_at(when.time().replace(tzinfo=None), prefs.bedtime, prefs.wake_time)
    cells = {name: "" for name in EPISODE_FIELDS}
    cells.update(
        started_at=when.isoformat(),
        muscle=form_str(ctx.form, "muscle"),
        side=form_str(ctx.form, "side"),
        severity=form_str(ctx.form, "severity"),
        woke_from_sleep="true" if woke else "",
    )
    record = service.episode_from_cells(cells)
    for _ in range(5):
        clash = None if strict else _same_second(ctx, record)
        if clash is None:
            break
        if clash.severity == record.severity:
            return clash
        record = record.model_copy(update={"started_at": record.started_at + dt.timedelta(seconds=1)})
    take_rows(ctx.db, _limits(ctx), _user(ctx).id, 1)  # raises OverLimit; counted with the episode
    return service.add_episode(ctx.db, _user(ctx), record)


@router.post("/diary/quick/replay")
def quick_replay(ctx: Ctx = Depends(signed_in)) -> Response:
    """A quick log that waited on the phone while it was offline (sent by app.js, JSON answers).

    201: saved. 409: already in the diary (the first try did arrive): the phone drops it too.
    422: it can never be saved (e.g. a bad value): the phone drops it and says so.
    """
    import json

    try:
        episode = _quick_episode(ctx, strict=True)
    except OverLimit:  # not a bad log: the phone keeps it and sends it again another day
        ctx.db.rollback()
        body = {"duplicate": False, "problems": [_over_limit_message(ctx)]}
        return Response(json.dumps(body), status_code=429, media_type="application/json")
    except DiaryError as err:
        duplicate = any("already starts then" in p for p in err.problems)
        body = {"duplicate": duplicate, "problems": err.problems}
        return Response(
            json.dumps(body), status_code=409 if duplicate else 422, media_type="application/json"
        )
    return Response(json.dumps({"id": episode.id}), status_code=201, media_type="application/json")


@router.post("/diary/quick")
def quick_log(ctx: Ctx = Depends(signed_in)) -> Response:
    """A cramp now: the severity button submits the form with the muscle and side already chosen
    (the last ones used). Between bedtime and the wake-up time it counts as having woken the person."""
    try:
        episode = _quick_episode(ctx)
    except OverLimit:
        ctx.db.rollback()
        return _dashboard(ctx, {"_form": [_over_limit_message(ctx)]}, status=429)
    except DiaryError as err:
        return _dashboard(ctx, field_errors(err.problems), status=422)
    at = int(time.time())
    response = ctx.redirect("/diary?saved=episode")
    response.set_cookie(
        UNDO_COOKIE,
        f"{episode.id}.{at}.{_undo_signature(ctx, episode.id, at)}",
        max_age=UNDO_ACCEPTED_S,
        path="/diary",
        httponly=True,
        samesite="lax",
        secure=bool(ctx.request.state.secure_cookies),
    )
    return response


@router.post("/diary/episodes/{episode_id}/undo")
def quick_undo(episode_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    """Undo a quick log: really deletes that episode, if the signed offer is still fresh."""
    offer = _undo_offer(
        ctx, {"undo": str(episode_id), "at": form_str(ctx.form, "at"), "sig": form_str(ctx.form, "sig")}
    )
    if offer is None:
        return _dashboard(
            ctx, {"_form": [ctx.tr("Too late to undo; open the cramp to change or delete it.")]}, 409
        )
    service.delete_episode(ctx.db, _user(ctx), episode_id, via="undo", address=ctx.address)
    response = ctx.redirect("/diary?saved=undone")
    response.delete_cookie(UNDO_COOKIE, path="/diary")
    return response


def _episode_cells(ctx: Ctx, original: Episode | None) -> dict[str, str]:
    """CSV-style cells from the full form; the local time gets the zone's (or the original) offset."""
    form = ctx.form
    cells = {
        name: form_str(form, name) for name in EPISODE_FIELDS if name not in ("started_at", "relieved_by")
    }
    cells["relieved_by"] = ";".join(v for v in form_list(form, "relieved_by") if v in RELIEF_CODES)
    text = form_str(form, "started_at")
    try:
        local = zones.read_local(text, zone_of(ctx))
    except ValueError:
        cells["started_at"] = text  # the service reports it as a bad time
        return cells
    if original is not None and text == _local_input(original):
        local = service.episode_record(original).started_at  # unchanged: keep its recorded offset
    elif zones.is_future(local):
        shown = local.strftime("%Y-%m-%d %H:%M")
        message = ctx.tr(
            "{time} ({zone}) is in the future. Check the date and the time of day.",
            time=shown,
            zone=getattr(local.tzinfo, "key", "") or local.strftime("UTC%z"),
        )
        raise DiaryError([f"started_at: {message}"])
    cells["started_at"] = local.isoformat()
    return cells


def _local_input(episode: Episode) -> str:
    """The value of a ``datetime-local`` input for the episode, in the offset it was recorded with."""
    return service.episode_record(episode).started_at.strftime("%Y-%m-%dT%H:%M")


def _episode_form(
    ctx: Ctx, values: dict[str, Any], errors: dict[str, list[str]], episode: Episode | None, status: int = 200
) -> Response:
    return ctx.render(
        "episode_form.html",
        status_code=status,
        values=values,
        errors=errors,
        episode=episode,
        muscles=muscles(),
        sides=SIDES,
        reliefs=RELIEF_CODES,
        form_zone=zone_name_of(ctx),
    )


def _values_of(episode: Episode) -> dict[str, Any]:
    record = service.episode_record(episode)
    return {
        "started_at": _local_input(episode),
        "duration_s": "" if record.duration_s is None else str(record.duration_s),
        "muscle": record.muscle,
        "side": record.side,
        "severity": "" if record.severity is None else str(record.severity),
        "woke_from_sleep": {None: "", True: "true", False: "false"}[record.woke_from_sleep],
        "relieved_by": list(record.relieved_by),
        "notes": record.notes,
    }


def _form_values(ctx: Ctx) -> dict[str, Any]:
    values: dict[str, Any] = {name: form_str(ctx.form, name) for name in EPISODE_FIELDS}
    values["relieved_by"] = form_list(ctx.form, "relieved_by")
    return values


@router.get("/diary/episodes/new")
def episode_new(ctx: Ctx = Depends(signed_in)) -> Response:
    now = local_now(ctx).strftime("%Y-%m-%dT%H:%M")
    values = {"started_at": now, "muscle": "calf", "side": "both", "relieved_by": []}
    return _episode_form(ctx, values, {}, None)


@router.post("/diary/episodes/new")
def episode_create(ctx: Ctx = Depends(signed_in)) -> Response:
    try:
        record = service.episode_from_cells(_episode_cells(ctx, None))
        take_rows(ctx.db, _limits(ctx), _user(ctx).id, 1)
        service.add_episode(ctx.db, _user(ctx), record)
    except OverLimit:
        ctx.db.rollback()
        errors = {"_form": [_over_limit_message(ctx)]}
        return _episode_form(ctx, _form_values(ctx), errors, None, 429)
    except DiaryError as err:
        return _episode_form(ctx, _form_values(ctx), field_errors(err.problems, EPISODE_FIELDS), None, 422)
    return ctx.redirect("/diary?saved=episode")


def _owned_episode(ctx: Ctx, episode_id: int) -> Episode:
    try:
        return service.get_episode(ctx.db, _user(ctx), episode_id)
    except DiaryError:
        raise HTTPException(status_code=404) from None


@router.get("/diary/episodes/{episode_id}")
def episode_edit(episode_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    episode = _owned_episode(ctx, episode_id)
    return _episode_form(ctx, _values_of(episode), {}, episode)


@router.post("/diary/episodes/{episode_id}")
def episode_update(episode_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    episode = _owned_episode(ctx, episode_id)
    try:
        service.edit_episode(ctx.db, _user(ctx), episode.id, _episode_cells(ctx, episode))
    except DiaryError as err:
        return _episode_form(ctx, _form_values(ctx), field_errors(err.problems, EPISODE_FIELDS), episode, 422)
    return ctx.redirect("/diary?saved=episode")


@router.post("/diary/episodes/{episode_id}/delete")
def episode_delete(episode_id: int, ctx: Ctx = Depends(signed_in)) -> Response:
    episode = _owned_episode(ctx, episode_id)
    service.delete_episode(ctx.db, _user(ctx), episode.id, address=ctx.address)
    return ctx.redirect("/diary?saved=deleted")


# --- the evening (day log) ---------------------------------------------------------------------


def _day_values(ctx: Ctx, day: dt.date) -> dict[str, str]:
    existing = service.get_day_log(ctx.db, _user(ctx), day)
    if existing is None:
        return {"date": day.isoformat()}
    from crampcare.diary.csv_io import day_log_cells

    return dict(zip(DAY_LOG_FIELDS, day_log_cells(service.day_log_record(existing)), strict=True))


@router.get("/diary/day")
def day_form(ctx: Ctx = Depends(signed_in), date: str = "") -> Response:
    try:
        day = dt.date.fromisoformat(date) if date else local_now(ctx).date()
    except ValueError:
        day = local_now(ctx).date()
    return ctx.render("day_form.html", values=_day_values(ctx, day), errors={}, exists=bool(date))


def _over_limit_message(ctx: Ctx) -> str:
    return over_limit_message(ctx.tr)


def _take_day_row(ctx: Ctx, date_text: str) -> None:
    """Count an evening against today's allowance when it adds a row (not when it replaces one)."""
    try:
        day = dt.date.fromisoformat(date_text.strip())
    except ValueError:
        return  # the service names the bad date
    if service.get_day_log(ctx.db, _user(ctx), day) is None:
        take_rows(ctx.db, _limits(ctx), _user(ctx).id, 1)


@router.post("/diary/day")
def day_save(ctx: Ctx = Depends(signed_in)) -> Response:
    cells = {name: form_str(ctx.form, name) for name in DAY_LOG_FIELDS}
    try:
        _take_day_row(ctx, cells.get("date", ""))
        service.set_day_log(ctx.db, _user(ctx), cells, merge=False)
    except OverLimit:
        ctx.db.rollback()
        errors = {"_form": [_over_limit_message(ctx)]}
        return ctx.render("day_form.html", status_code=429, values=cells, errors=errors, exists=False)
    except DiaryError as err:
        errors = field_errors(err.problems, DAY_LOG_FIELDS)
        return ctx.render("day_form.html", status_code=422, values=cells, errors=errors, exists=False)
    return ctx.redirect("/diary?saved=day")


@router.post("/diary/day/{day}/delete")
def day_delete(day: dt.date, ctx: Ctx = Depends(signed_in)) -> Response:
    try:
        service.delete_day_log(ctx.db, _user(ctx), day, address=ctx.address)
    except DiaryError:
        raise HTTPException(status_code=404) from None
    return ctx.redirect("/diary?saved=deleted")


@router.get("/diary/weeks")
def weeks(ctx: Ctx = Depends(signed_in)) -> Response:
    """Cramps per week as a table: the dashboard fetches it only when a person opens it."""
    per_week = service.diary_summary(ctx.db, _user(ctx), models=False)["per_week"]
    return ctx.render("weeks.html", per_week=per_week)


def _neighbours(
    path: str, rows: list[Any], key: Callable[[Any], Position], more: bool, start: Any, newer_side: bool
) -> Page:
    """Links to the pages around ``rows`` (shown newest first). ``more``: the query found rows
    beyond this page in the direction it read (older, or newer for an ``after`` link)."""
    if not rows:
        return Page(None, None)
    older_more = True if newer_side else more  # came here by "newer": the page left is older
    newer_more = more if newer_side else start is not None
    return Page(
        older=f"{path}?before={key(rows[-1]).token()}" if older_more else None,
        newer=f"{path}?after={key(rows[0]).token()}" if newer_more else None,
    )


def _episode_position(episode: Episode) -> Position:
    return Position(episode.started_at_utc.isoformat(), episode.id)


@router.get("/diary/episodes")
def episode_list(ctx: Ctx = Depends(signed_in), before: str = "", after: str = "") -> Response:
    """All cramps, newest first, ``PAGE_SIZE`` at a time with links to older and newer pages
    (keyset by start time and id: one indexed query per page, however long the diary)."""
    key = (Episode.started_at_utc, Episode.id)
    query = select(Episode).where(Episode.user_id == _user(ctx).id)
    newer_side = read_position(after) is not None
    start = read_position(after) if newer_side else read_position(before)
    if start is not None:
        at = tuple_(dt.datetime.fromisoformat(start.key), start.row_id)
        query = query.where(tuple_(*key) > at if newer_side else tuple_(*key) < at)
    order = key if newer_side else (Episode.started_at_utc.desc(), Episode.id.desc())
    episodes = list(ctx.db.scalars(query.order_by(*order).limit(PAGE_SIZE + 1)))
    more = len(episodes) > PAGE_SIZE
    episodes = episodes[:PAGE_SIZE][:: -1 if newer_side else 1]
    page = _neighbours("/diary/episodes", episodes, _episode_position, more, start, newer_side)
    records = {e.id: service.episode_record(e) for e in episodes}
    return ctx.render("episode_list.html", episodes=episodes, records=records, page=page)


@router.get("/diary/days")
def day_list(ctx: Ctx = Depends(signed_in), before: str = "", after: str = "") -> Response:
    """All evenings, newest first, a page at a time (keyed by date: one log per date)."""
    query = select(DayLog).where(DayLog.user_id == _user(ctx).id)
    newer_side = read_position(after) is not None
    start = read_position(after) if newer_side else read_position(before)
    if start is not None:
        day = dt.date.fromisoformat(start.key[:10])
        query = query.where(DayLog.date > day if newer_side else DayLog.date < day)
    query = query.order_by(DayLog.date if newer_side else DayLog.date.desc())
    logs = list(ctx.db.scalars(query.limit(PAGE_SIZE + 1)))
    more = len(logs) > PAGE_SIZE
    logs = logs[:PAGE_SIZE][:: -1 if newer_side else 1]
    page = _neighbours("/diary/days", logs, lambda d: Position(d.date.isoformat()), more, start, newer_side)
    return ctx.render("day_list.html", logs=logs, page=page)


# --- charts, import, export --------------------------------------------------------------------


def _chart_words(ctx: Ctx) -> dict[str, str]:
    """The words inside the charts, in the person's language (titles come from ``CHARTS``)."""
    words = {title: ctx.tr(title) for title in CHARTS.values()}
    words.update(
        {
            "episodes": ctx.tr("cramps"),
            "hour": ctx.tr("hour"),
            "severity": ctx.tr("severity"),
            "no episodes yet": ctx.tr("No cramps yet"),
            "no severities recorded": ctx.tr("No severity recorded yet"),
            # severity is drawn per day, week or month, by the diary's range (charts.figures)
            "Severity per day (0-10)": ctx.tr("Severity per day (0-10)"),
            "Severity per week (0-10)": ctx.tr("Severity per week (0-10)"),
            "Severity per month (0-10)": ctx.tr("Severity per month (0-10)"),
        }
    )
    return words


@router.get("/diary/charts/{name}.svg")
def chart(name: str, ctx: Ctx = Depends(signed_in), theme: str = "light") -> Response:
    from crampcare.charts.figures import THEMES

    user = _user(ctx)
    if name not in CHARTS or theme not in THEMES:
        raise HTTPException(status_code=404)
    # Drawing a chart takes far longer than serving it: drawn once per diary version, language, theme.
    return Response(
        _CHARTS.get(ctx, user, (name, ctx.lang, theme), lambda: _draw_chart(ctx, user, name, theme)),
        media_type="image/svg+xml",
    )


def _draw_chart(ctx: Ctx, user: Any, name: str, theme: str) -> str:
    import matplotlib

    from crampcare.charts import figures, svg_text

    words = _chart_words(ctx)

    def tr(text: str) -> str:
        return words.get(text, text)

    # Drawn for a phone: type stays 12 px or larger when the chart fills a 390 px screen.
    # Read the diary first (the severities a batch at a time); the lock (matplotlib's settings are
    # global) is held while drawing.
    data: Any = (
        service.iter_episode_records(ctx.db, user)
        if name == "severity_over_time"
        else service.diary_summary(ctx.db, user, models=False)
    )
    with figures.DRAW_LOCK, matplotlib.rc_context(figures.PHONE_STYLE):
        fig = getattr(figures, name)(data, tr=tr, size=figures.PHONE_SIZE, theme=theme)
        text: str = svg_text(fig)
    return text


@router.post("/diary/import")
async def import_upload(ctx: Ctx = Depends(signed_in)) -> Response:
    from starlette.concurrency import run_in_threadpool

    upload = ctx.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _dashboard(ctx, {"file": [ctx.tr("Choose a CSV or JSON file first.")]}, status=422)
    limit = _limits(ctx)
    data = await upload.read(limit.import_bytes + 1)
    if len(data) > limit.import_bytes:
        return _dashboard(ctx, {"file": [ctx.tr("That file is too large.")]}, status=413)
    # A phone export keeps its kind (.zip, .xml: ``diary.activity``); anything else is read as CSV.
    suffix = next((s for s in (".json", ".zip", ".xml") if upload.filename.lower().endswith(s)), ".csv")
    try:
        check_rows(ctx.db, limit, _user(ctx).id, estimate_rows(data, suffix))
    except OverLimit as err:
        message = ctx.tr(
            "Today's limit of new rows is reached ({left} left). Try again tomorrow.", left=err.left
        )
        return _dashboard(ctx, {"file": [message]}, status=429)
    return await run_in_threadpool(_import_bytes, ctx, data, suffix, upload.filename)


def _import_bytes(ctx: Ctx, data: bytes, suffix: str, filename: str) -> Response:
    with tempfile.TemporaryDirectory() as folder:
        # A Google Fit per-day CSV carries its day in its name (2024-03-01.csv): keep a safe form of it.
        day_name = re.search(r"\d{4}-\d{2}-\d{2}", filename)
        path = Path(folder) / f"upload{'-' + day_name.group(0) if day_name else ''}{suffix}"
        path.write_bytes(data)
        try:
            result = service.import_file(ctx.db, _user(ctx), path, zone=zone_of(ctx))
        except DiaryError as err:
            ctx.db.rollback()
            lines = [line.replace(str(path), filename) for line in err.problems[:50]]
            return _dashboard(ctx, {"file": lines}, status=422)
        except (UnicodeDecodeError, ValueError):
            ctx.db.rollback()
            return _dashboard(
                ctx, {"file": [ctx.tr("This is not a crampcare CSV or JSON file.")]}, status=422
            )
    auth.add_rows_today(ctx.db, _user(ctx).id, result.inserted)
    auth.audit(ctx.db, _user(ctx).name, "import", f"{filename}: {result.inserted} new", ctx.address)
    return _dashboard(ctx, imported=result)


@router.get("/diary/export")
def export(ctx: Ctx = Depends(signed_in), format: str = "csv", what: str = "episodes") -> Response:
    from starlette.responses import StreamingResponse

    from crampcare.diary.exporters import get_exporter, get_streamer, stream_csv

    if format not in EXPORT_TYPES:
        raise HTTPException(status_code=404)
    user = _user(ctx)
    if format == "csv":
        what = "day_logs" if what == "day_logs" else "episodes"
        name = f"crampcare-{what}.csv"
    else:
        name = f"crampcare-diary.{EXPORT_TYPES[format][1]}"
    streamer = get_streamer(format)
    exporter = get_exporter(format)
    if exporter is None:
        raise HTTPException(status_code=404)
    auth.audit(
        ctx.db, user.name, "export", f"diary {format} {what if format == 'csv' else ''}".strip(), ctx.address
    )
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if streamer is None:
        return Response(exporter(ctx.db, user), media_type=EXPORT_TYPES[format][0], headers=headers)

    def chunks(session: Any, owner: Any) -> Any:
        return stream_csv(session, owner, what) if format == "csv" else streamer(session, owner)

    body = stream_body(ctx.request.app.state.read_db, user.id, chunks)
    return StreamingResponse(body, media_type=EXPORT_TYPES[format][0], headers=headers)


def stream_body(database: Any, user_id: int, chunks: Callable[[Any, Any], Any]) -> Any:
    """The export's bytes as the rows are read, in a session of its own: the request's session is
    closed once the view returns, before the body is sent."""
    from crampcare.storage.models import User

    with database.session() as session:
        owner = session.get(User, user_id)
        for chunk in chunks(session, owner):
            yield chunk.encode("utf-8")
