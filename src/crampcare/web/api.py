"""The JSON API under ``/api/v1`` (spec section 3), with its OpenAPI document at ``/api/v1/openapi.json``.

- ``POST /assess`` is public and returns exactly what ``crampcare assess`` prints; bad input is a 422
  whose ``problems`` are the CLI's lines (``input[3].cramps.episodes_per_week: must be >= 0``).
- The diary, day logs, statistics and experiments are per user: a session cookie (sign in on the
  web page or with ``POST /session``), and for every request that changes something the
  ``X-CSRF-Token`` header from ``GET /session``. Another user's ids answer 404, never their data.
- Every 422 has the same shape: ``detail`` (a list of ``{loc, msg, type}``) and ``problems`` (lines).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from crampcare.assess import InputError, assess, parse_inputs
from crampcare.assess.validate import loads_strict
from crampcare.diary import experiments as exp
from crampcare.diary import service
from crampcare.diary.service import DiaryError
from crampcare.records import DayLogEntry, DayLogRecord, EpisodeChanges, EpisodeRecord
from crampcare.spec import schema
from crampcare.storage.models import DayLog, Episode, Experiment, User
from crampcare.web import auth, zones
from crampcare.web.context import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE
from crampcare.web.limits import Limits, OverLimit, check_rows

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Lang = Annotated[Literal["en", "ru"], Query(description="language of the texts (codes stay the same)")]


# --- errors --------------------------------------------------------------------------------------


class Problem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str = "value_error"


class ValidationProblems(BaseModel):
    detail: list[Problem]
    problems: list[str] = Field(description="one line per problem, as the CLI prints them")


class Message(BaseModel):
    detail: str


def problems_response(
    lines: list[str], prefix: tuple[str, ...] = ("body",), prefixes: list[tuple[str, ...]] | None = None
) -> JSONResponse:
    """422 with one line per problem; ``prefixes`` gives each line its own ``loc`` prefix."""
    detail = []
    for index, line in enumerate(lines):
        path, _, msg = line.partition(": ")
        start = prefixes[index] if prefixes is not None else prefix
        detail.append({"loc": [*start, *path.replace("[", ".").replace("]", "").split(".")], "msg": msg})
    body = ValidationProblems.model_validate({"detail": detail, "problems": lines})
    return JSONResponse(body.model_dump(), status_code=422)


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Message, "description": "the body is not JSON"},
    401: {"model": Message, "description": "not signed in"},
    403: {"model": Message, "description": "missing or wrong X-CSRF-Token"},
    404: {"model": Message, "description": "no such item of yours"},
    422: {"model": ValidationProblems, "description": "bad input; one problem per field"},
}


# --- pages ---------------------------------------------------------------------------------------

PageLimit = Annotated[
    int | None,
    Query(ge=1, description="items per page (default 100, at most 1000: ask for more and get a 422)"),
]
Cursor = Annotated[
    str | None, Query(max_length=200, description="where the next page starts: from the previous page")
]
PAGE_ERRORS: dict[int | str, dict[str, Any]] = {401: ERRORS[401], 422: ERRORS[422]}


def _page_size(request: Request, limit: int | None) -> int:
    limits = getattr(request.app.state, "limits", None) or Limits()
    if limit is None:
        return limits.page_size
    if limit > limits.max_page_size:
        raise RequestValidationError(
            [{"loc": ("query", "limit"), "msg": f"must be <= {limits.max_page_size}", "type": "value_error"}]
        )
    return limit


def _make_cursor(key: str, item_id: int) -> str:
    return base64.urlsafe_b64encode(f"{key}|{item_id}".encode()).decode().rstrip("=")


def _read_cursor(cursor: str) -> tuple[str, int]:
    """The position a cursor encodes; a 422 for anything this server did not make."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        key, _, item = raw.partition("|")
        dt.date.fromisoformat(key[:10])
        return key, int(item)
    except ValueError:
        raise RequestValidationError(
            [{"loc": ("query", "cursor"), "msg": "not a cursor from this API", "type": "value_error"}]
        ) from None


def _next_page(request: Request, response: Response, cursor: str) -> None:
    url = request.url.include_query_params(cursor=cursor)
    response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
    response.headers["X-Next-Cursor"] = cursor


# --- access --------------------------------------------------------------------------------------


class ApiCtx:
    def __init__(self, db: Session, account: auth.Account, address: str) -> None:
        self.db = db
        self.account = account
        self.user: User = account.user
        self.address = address


def db_session(request: Request) -> Any:
    # GET requests read through the lock-free engine (see ``app.reads_without_lock``).
    db = request.app.state.read_db if request.method in SAFE_METHODS else request.app.state.db
    with db.session() as session:
        yield session


def _secret(request: Request, db: Session) -> bytes:
    cached: bytes | None = getattr(request.app.state, "secret", None)
    if cached is None:
        cached = auth.site_secret(db)
        request.app.state.secret = cached
    return cached


def signed_in(request: Request, db: Session = Depends(db_session)) -> ApiCtx:
    account = auth.resolve_session(db, request.cookies.get(SESSION_COOKIE))
    if account is None:
        raise HTTPException(status_code=401, detail="sign in first")
    if request.method not in SAFE_METHODS and not auth.csrf_ok(
        _secret(request, db), account.session_id, request.headers.get(CSRF_HEADER)
    ):
        raise HTTPException(status_code=403, detail="missing or wrong X-CSRF-Token header")
    client = request.client
    return ApiCtx(db, account, client.host if client else "")


# --- models --------------------------------------------------------------------------------------


# The request bodies are the records themselves (``crampcare.records``): their fields read JSON
# values with the same readers as CSV cells, form fields and options, so "1,5" is a number here
# too and a bad value gets the same words as in the CLI.
EpisodeIn = EpisodeRecord
EpisodePatch = EpisodeChanges
DayLogIn = DayLogEntry


class EpisodeOut(BaseModel):
    id: int
    started_at: str
    night: str
    muscle: str
    side: str
    duration_s: int | None
    severity: int | None
    woke_from_sleep: bool | None
    relieved_by: list[str]
    notes: str


class DayLogOut(BaseModel):
    date: str
    stretched_before_bed: bool | None = None
    fluid_litres: float | None = None
    caffeine_drinks: float | None = None
    alcohol_units: float | None = None
    exercise_minutes: float | None = None
    notes: str = ""


class ExperimentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intervention: str = Field(examples=["calf_stretch_before_bed"])
    start: dt.date
    block_days: int = Field(default=7, ge=1, le=60)
    pairs: int = Field(default=6, ge=1, le=20)  # fewer pairs can never reach a verdict (docs/nof1.md)
    seed: int | None = Field(default=None, ge=0, le=exp.MAX_SEED)
    washout_days: int = Field(default=0, ge=0, le=59)
    imported: bool = Field(
        default=False,
        description="An experiment already run elsewhere: only then may `start` be in the past "
        "or `seed` be chosen.",
    )


class Night(BaseModel):
    date: str
    on: bool


class ExperimentOut(BaseModel):
    id: str
    intervention: str
    start: str
    end: str
    block_days: int
    pairs: int
    seed: int
    washout_days: int
    imported: bool = False
    created_at: str | None = None
    schedule_sha256: str | None = None
    schedule: list[Night]


class Tonight(BaseModel):
    experiment: str
    intervention: str
    date: str
    on: bool


class SessionIn(BaseModel):
    name: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class SessionOut(BaseModel):
    user: str
    csrf_token: str


# --- conversions --------------------------------------------------------------------------------


def episode_out(episode: Episode) -> EpisodeOut:
    record = service.episode_record(episode)
    return EpisodeOut(
        id=episode.id,
        started_at=record.started_at.isoformat(),
        night=record.night.isoformat(),
        muscle=record.muscle,
        side=record.side,
        duration_s=record.duration_s,
        severity=record.severity,
        woke_from_sleep=record.woke_from_sleep,
        relieved_by=list(record.relieved_by),
        notes=record.notes,
    )


def day_log_out(row: Any) -> DayLogOut:
    r = service.day_log_record(row)
    return DayLogOut(
        date=r.date.isoformat(),
        stretched_before_bed=r.stretched_before_bed,
        fluid_litres=r.fluid_litres,
        caffeine_drinks=r.caffeine_drinks,
        alcohol_units=r.alcohol_units,
        exercise_minutes=r.exercise_minutes,
        notes=r.notes,
    )


def _assess_json(inputs: list[Any], is_batch: bool, lang: str) -> str:
    results = [assess(i, lang=lang).to_json() for i in inputs]
    return json.dumps(results if is_batch else results[0], ensure_ascii=False)


def _assess_openapi() -> dict[str, Any]:
    def clean(name: str) -> dict[str, Any]:
        s = copy.deepcopy(schema(name))
        s.pop("$schema", None)
        s.pop("$id", None)
        return s

    one, result = clean("assessment-input"), clean("assessment-result")
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"oneOf": [one, {"type": "array", "items": one, "maxItems": 100}]}
                }
            },
        },
        "responses": {
            "200": {
                "description": "the AssessmentResult (or an array of them, in the same order)",
                "content": {
                    "application/json": {"schema": {"oneOf": [result, {"type": "array", "items": result}]}}
                },
            },
        },
    }


# --- the app -------------------------------------------------------------------------------------


def create_api() -> FastAPI:
    api = FastAPI(
        title="crampcare API",
        version="1",
        description=__doc__,
        docs_url=None,  # Swagger UI needs a CDN and inline script; the JSON document is enough
        redoc_url=None,
        openapi_url="/openapi.json",
    )

    @api.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        lines: list[str] = []
        prefixes: list[tuple[str, ...]] = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            ctx = err.get("ctx") or {}
            if "problem" in ctx:  # a record's own words (crampcare.records), as the CLI prints them
                lines.append(f"{ctx.get('field') or '.'.join(loc[1:] or loc)}: {ctx['problem']}")
                prefixes.append(tuple(loc[:1]))
                continue
            lines.append(f"{'.'.join(loc[1:] or loc)}: {err.get('msg', 'invalid')}")
            prefixes.append(())
        return problems_response(lines, prefixes=prefixes)

    @api.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @api.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": "internal error; nothing was saved"}, status_code=500)

    @api.get("/health", response_model=dict[str, str], tags=["meta"])
    async def health() -> dict[str, str]:
        """A trivial endpoint (load-test baseline)."""
        return {"status": "ok"}

    @api.post(
        "/assess",
        tags=["assessment"],
        openapi_extra=_assess_openapi(),
        responses={400: ERRORS[400], 422: ERRORS[422]},
        response_model=None,
    )
    async def assess_endpoint(request: Request, lang: Lang = "en") -> Response:
        """Assess one AssessmentInput or a batch; the same output as ``crampcare assess``."""
        # Read and answer the JSON directly: the engine takes well under a millisecond, and FastAPI's
        # generic body parsing and response encoding would cost several times that.
        try:
            payload = loads_strict(await request.body())
        except json.JSONDecodeError:
            return problems_response(["input: not JSON"], ())
        except UnicodeDecodeError:
            return problems_response(["input: not UTF-8 text"], ())
        except RecursionError:
            return problems_response(["input: nested too deeply"], ())
        except ValueError as err:  # NaN or Infinity
            return problems_response([f"input: not valid JSON ({err})"], ())
        try:
            inputs, is_batch = parse_inputs(payload)
        except InputError as err:
            return problems_response(err.problems, ())
        if len(inputs) > 20:  # a big batch must not hold up every other request on this worker
            from starlette.concurrency import run_in_threadpool

            body = await run_in_threadpool(_assess_json, inputs, is_batch, lang)
        else:
            body = _assess_json(inputs, is_batch, lang)
        return Response(body, media_type="application/json")

    # --- session ---

    @api.post(
        "/session",
        response_model=SessionOut,
        tags=["session"],
        responses={400: ERRORS[400], 401: ERRORS[401], 422: ERRORS[422], 429: {"model": Message}},
    )
    def sign_in(
        body: SessionIn, request: Request, response: Response, db: Session = Depends(db_session)
    ) -> Any:
        """Sign in (throttled like the web form); sets the session cookie and returns the CSRF token."""
        address = request.client.host if request.client else ""
        try:
            user = auth.authenticate(db, body.name, body.password, address)
        except auth.Throttled as err:
            raise HTTPException(429, "too many attempts", {"Retry-After": str(err.retry_after_s)}) from None
        except auth.AuthError:
            raise HTTPException(401, "wrong name or password") from None
        token = auth.start_session(db, user)
        auth.audit(db, user.name, "sign_in", "api", address)
        account = auth.resolve_session(db, token)
        assert account is not None
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=bool(request.state.secure_cookies),
            path="/",
        )
        return SessionOut(
            user=user.name, csrf_token=auth.csrf_token(_secret(request, db), account.session_id)
        )

    @api.get("/session", response_model=SessionOut, tags=["session"], responses={401: ERRORS[401]})
    def who(request: Request, ctx: ApiCtx = Depends(signed_in)) -> Any:
        """The signed-in user and the CSRF token to send as ``X-CSRF-Token``."""
        return SessionOut(
            user=ctx.user.name, csrf_token=auth.csrf_token(_secret(request, ctx.db), ctx.account.session_id)
        )

    # --- episodes ---

    def owned_episode(ctx: ApiCtx, episode_id: int) -> Episode:
        try:
            return service.get_episode(ctx.db, ctx.user, episode_id)
        except DiaryError:
            raise HTTPException(404, "no such episode") from None

    @api.get("/episodes", response_model=list[EpisodeOut], tags=["diary"], responses=PAGE_ERRORS)
    def list_episodes(
        request: Request,
        response: Response,
        ctx: ApiCtx = Depends(signed_in),
        date_from: Annotated[dt.date | None, Query(alias="from")] = None,
        date_to: Annotated[dt.date | None, Query(alias="to")] = None,
        limit: PageLimit = None,
        cursor: Cursor = None,
    ) -> Any:
        """Your episodes whose night is within [from, to], oldest first, one page at a time.

        When more follow, the ``Link`` header (``rel="next"``) and ``X-Next-Cursor`` say where."""
        size = _page_size(request, limit)
        query = select(Episode).where(Episode.user_id == ctx.user.id)
        if date_from is not None:
            query = query.where(Episode.night_date >= date_from)
        if date_to is not None:
            query = query.where(Episode.night_date <= date_to)
        if cursor:
            at, last_id = _read_cursor(cursor)
            start = dt.datetime.fromisoformat(at)
            query = query.where(
                or_(
                    Episode.started_at_utc > start,
                    and_(Episode.started_at_utc == start, Episode.id > last_id),
                )
            )
        rows = list(ctx.db.scalars(query.order_by(Episode.started_at_utc, Episode.id).limit(size + 1)))
        if len(rows) > size:
            rows = rows[:size]
            _next_page(request, response, _make_cursor(rows[-1].started_at_utc.isoformat(), rows[-1].id))
        return [episode_out(e) for e in rows]

    @api.post("/episodes", status_code=201, response_model=EpisodeOut, tags=["diary"], responses=ERRORS)
    def create_episode(request: Request, body: EpisodeIn, ctx: ApiCtx = Depends(signed_in)) -> Any:
        try:
            check_rows(ctx.db, request.app.state.limits, ctx.user.id, 1)
        except OverLimit:
            raise HTTPException(429, "today's limit of new diary rows is reached") from None
        try:
            record = body
            if zones.is_future(record.started_at):  # the same rule as the web forms (a few minutes' slack)
                raise DiaryError([f"started_at: {record.started_at.isoformat()} is in the future"])
            episode = service.add_episode(ctx.db, ctx.user, record)
        except DiaryError as err:
            ctx.db.rollback()
            return problems_response(err.problems)
        auth.add_rows_today(ctx.db, ctx.user.id, 1)
        return episode_out(episode)

    @api.get("/episodes/{episode_id}", response_model=EpisodeOut, tags=["diary"], responses=ERRORS)
    def get_episode(episode_id: Id, ctx: ApiCtx = Depends(signed_in)) -> Any:
        return episode_out(owned_episode(ctx, episode_id))

    @api.patch("/episodes/{episode_id}", response_model=EpisodeOut, tags=["diary"], responses=ERRORS)
    def patch_episode(episode_id: Id, body: EpisodePatch, ctx: ApiCtx = Depends(signed_in)) -> Any:
        owned_episode(ctx, episode_id)
        try:
            episode = service.edit_episode(ctx.db, ctx.user, episode_id, body)
        except DiaryError as err:
            ctx.db.rollback()
            return problems_response(err.problems)
        return episode_out(episode)

    @api.delete("/episodes/{episode_id}", status_code=204, tags=["diary"], responses=ERRORS)
    def delete_episode(episode_id: Id, ctx: ApiCtx = Depends(signed_in)) -> Response:
        owned_episode(ctx, episode_id)
        service.delete_episode(ctx.db, ctx.user, episode_id)
        auth.audit(ctx.db, ctx.user.name, "episode_deleted", f"{episode_id} (api)", ctx.address)
        return Response(status_code=204)

    # --- day logs ---

    @api.get("/day-logs", response_model=list[DayLogOut], tags=["diary"], responses=PAGE_ERRORS)
    def list_day_logs(
        request: Request,
        response: Response,
        ctx: ApiCtx = Depends(signed_in),
        date_from: Annotated[dt.date | None, Query(alias="from")] = None,
        date_to: Annotated[dt.date | None, Query(alias="to")] = None,
        limit: PageLimit = None,
        cursor: Cursor = None,
    ) -> Any:
        """Your day logs within [from, to] by date, one page at a time (see ``/episodes``)."""
        size = _page_size(request, limit)
        if cursor:
            after = dt.date.fromisoformat(_read_cursor(cursor)[0]) + dt.timedelta(days=1)
            date_from = max(date_from, after) if date_from is not None else after
        query = select(DayLog).where(DayLog.user_id == ctx.user.id)
        if date_from is not None:
            query = query.where(DayLog.date >= date_from)
        if date_to is not None:
            query = query.where(DayLog.date <= date_to)
        rows = list(ctx.db.scalars(query.order_by(DayLog.date).limit(size + 1)))
        if len(rows) > size:
            rows = rows[:size]
            _next_page(request, response, _make_cursor(rows[-1].date.isoformat(), 0))
        return [day_log_out(d) for d in rows]

    @api.get("/day-logs/{day}", response_model=DayLogOut, tags=["diary"], responses=ERRORS)
    def get_day_log(day: dt.date, ctx: ApiCtx = Depends(signed_in)) -> Any:
        row = service.get_day_log(ctx.db, ctx.user, day)
        if row is None:
            raise HTTPException(404, "no day log for that date")
        return day_log_out(row)

    @api.put("/day-logs/{day}", response_model=DayLogOut, tags=["diary"], responses=ERRORS)
    def put_day_log(day: dt.date, body: DayLogIn, ctx: ApiCtx = Depends(signed_in)) -> Any:
        """Record the day (replacing what was recorded for that date)."""
        try:
            record = service.checked(DayLogRecord, {**body.model_dump(), "date": day})
            row = service.save_day_log(ctx.db, ctx.user, record)
        except DiaryError as err:
            ctx.db.rollback()
            return problems_response(err.problems)
        return day_log_out(row)

    @api.delete("/day-logs/{day}", status_code=204, tags=["diary"], responses=ERRORS)
    def delete_day_log(day: dt.date, ctx: ApiCtx = Depends(signed_in)) -> Response:
        try:
            service.delete_day_log(ctx.db, ctx.user, day)
        except DiaryError:
            raise HTTPException(404, "no day log for that date") from None
        auth.audit(ctx.db, ctx.user.name, "day_log_deleted", f"{day} (api)", ctx.address)
        return Response(status_code=204)

    # --- statistics ---

    @api.get("/stats", response_model=dict[str, Any], tags=["statistics"], responses={401: ERRORS[401]})
    def stats(
        ctx: ApiCtx = Depends(signed_in),
        date_from: Annotated[dt.date | None, Query(alias="from")] = None,
        date_to: Annotated[dt.date | None, Query(alias="to")] = None,
    ) -> Any:
        """What ``crampcare stats --format json`` prints, for your diary."""
        return service.diary_summary(ctx.db, ctx.user, date_from, date_to)

    # --- experiments ---

    def owned_experiment(ctx: ApiCtx, experiment_id: int) -> Any:
        try:
            return exp.get_experiment(ctx.db, ctx.user, experiment_id)
        except DiaryError:
            raise HTTPException(404, "no such experiment") from None

    @api.get("/experiments", response_model=list[ExperimentOut], tags=["experiments"], responses=PAGE_ERRORS)
    def list_experiments(
        request: Request,
        response: Response,
        ctx: ApiCtx = Depends(signed_in),
        limit: PageLimit = None,
        cursor: Cursor = None,
    ) -> Any:
        """Your experiments, oldest first, one page at a time (see ``/episodes``)."""
        size = _page_size(request, limit)
        query = select(Experiment).where(Experiment.user_id == ctx.user.id)
        if cursor:
            query = query.where(Experiment.id > _read_cursor(cursor)[1])
        rows = list(ctx.db.scalars(query.order_by(Experiment.id).limit(size + 1)))
        if len(rows) > size:
            rows = rows[:size]
            _next_page(request, response, _make_cursor(rows[-1].start_date.isoformat(), rows[-1].id))
        return [exp.experiment_plan(e) for e in rows]

    @api.post(
        "/experiments", status_code=201, response_model=ExperimentOut, tags=["experiments"], responses=ERRORS
    )
    def create_experiment(body: ExperimentIn, ctx: ApiCtx = Depends(signed_in)) -> Any:
        try:
            experiment = exp.create_experiment(
                ctx.db,
                ctx.user,
                body.intervention,
                body.start,
                block_days=body.block_days,
                pairs=body.pairs,
                seed=body.seed,
                washout_days=body.washout_days,
                imported=body.imported,
            )
        except DiaryError as err:
            ctx.db.rollback()
            return problems_response(err.problems)
        return exp.experiment_plan(experiment)

    @api.get(
        "/experiments/tonight",
        response_model=list[Tonight],
        tags=["experiments"],
        responses={401: ERRORS[401]},
    )
    def tonight(ctx: ApiCtx = Depends(signed_in), night: dt.date | None = None) -> Any:
        """What to do tonight (``night``: a date; default: tonight in UTC)."""
        from crampcare.records.nights import tonight as tonight_of

        day = night or tonight_of(dt.datetime.now(dt.UTC))
        return [
            Tonight(experiment=str(e.id), intervention=e.intervention, date=n.date.isoformat(), on=n.on)
            for e, n in exp.tonight_assignments(ctx.db, ctx.user, day)
        ]

    @api.get(
        "/experiments/{experiment_id}", response_model=ExperimentOut, tags=["experiments"], responses=ERRORS
    )
    def get_experiment(experiment_id: Id, ctx: ApiCtx = Depends(signed_in)) -> Any:
        return exp.experiment_plan(owned_experiment(ctx, experiment_id))

    @api.get(
        "/experiments/{experiment_id}/analysis",
        response_model=dict[str, Any],
        tags=["experiments"],
        responses=ERRORS,
    )
    def analysis(experiment_id: Id, ctx: ApiCtx = Depends(signed_in), as_of: dt.date | None = None) -> Any:
        """What ``crampcare experiment analyze --format json`` prints."""
        return exp.analyze_experiment(ctx.db, ctx.user, owned_experiment(ctx, experiment_id), as_of)

    @api.delete("/experiments/{experiment_id}", status_code=204, tags=["experiments"], responses=ERRORS)
    def delete_experiment(experiment_id: Id, ctx: ApiCtx = Depends(signed_in)) -> Response:
        ctx.db.delete(owned_experiment(ctx, experiment_id))
        ctx.db.commit()
        auth.audit(ctx.db, ctx.user.name, "experiment_deleted", f"{experiment_id} (api)", ctx.address)
        return Response(status_code=204)

    return api
