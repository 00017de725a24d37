"""The doctor report: gather (:mod:`.data`), chart (:mod:`.charts`), typeset (:mod:`.render`).

from crampcare.report import make_report
pdf = make_report(session, user, fmt="pdf", lang="en")        # bytes
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crampcare.report.data import AssessmentSnapshot
    from crampcare.storage.models import User


def make_report(
    session: Session,
    user: User,
    *,
    fmt: str = "pdf",
    lang: str = "en",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    assessment: AssessmentSnapshot | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The report for ``user`` as PDF or HTML (UTF-8) bytes."""
    from crampcare.report.charts import report_charts
    from crampcare.report.data import gather
    from crampcare.report.render import render_html, render_pdf

    content, _, stats = gather(
        session, user, date_from=date_from, date_to=date_to, lang=lang, assessment=assessment, today=today
    )
    charts = report_charts(stats, lang) if content["diary"]["episodes"] else {}
    if fmt == "html":
        return render_html(content, charts).encode("utf-8")
    return render_pdf(content, charts)


def report_content(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """Only the content (for tests and the API): see :func:`crampcare.report.data.gather`."""
    from crampcare.report.data import gather

    return gather(*args, **kwargs)[0]
