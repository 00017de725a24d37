"""The doctor report in the web app: ``GET /report.pdf`` and ``GET /report.html`` for the signed-in person.

Included by ``crampcare.web.app``. The report is always of the signed-in
account's own diary: there is no id in the URL, so nobody can ask for someone else's.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException, Response

from crampcare.web.context import Ctx, signed_in

router = APIRouter()
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def _date(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(status_code=400, detail=f"{name}: not a date like 2026-11-20") from None


def _report(ctx: Ctx, fmt: str, date_from: str, date_to: str) -> bytes:
    from crampcare.report import make_report
    from crampcare.web import auth

    if ctx.account is None:  # pragma: no cover - ``signed_in`` guarantees an account
        raise HTTPException(status_code=401)
    first, last = _date(date_from, "from"), _date(date_to, "to")
    if first and last and last < first:
        raise HTTPException(status_code=400, detail="to: before from")
    data = make_report(ctx.db, ctx.account.user, fmt=fmt, lang=ctx.lang, date_from=first, date_to=last)
    auth.audit(ctx.db, ctx.account.user.name, "report", fmt, ctx.address)
    return data


@router.get("/report.pdf")
def report_pdf(ctx: Ctx = Depends(signed_in), date_from: str = "", date_to: str = "") -> Response:
    data = _report(ctx, "pdf", date_from, date_to)
    return Response(
        data,
        media_type="application/pdf",
        headers={"content-disposition": 'inline; filename="crampcare-report.pdf"'},
    )


@router.get("/report.html")
def report_html(ctx: Ctx = Depends(signed_in), date_from: str = "", date_to: str = "") -> Response:
    return Response(
        _report(ctx, "html", date_from, date_to),
        media_type="text/html; charset=utf-8",
        # The report is one self-contained page: inline styles and SVG, never any script.
        headers={"content-security-policy": REPORT_CSP},
    )
