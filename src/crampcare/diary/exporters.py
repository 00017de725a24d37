"""Diary exporters by format name: ``diary export --format NAME`` looks the name up here.

Each exporter takes an open session and a user and returns the whole document as text. A new
format (the FHIR bundle) plugs in either by calling ``register_exporter`` at import time or by
being listed in ``OPTIONAL_EXPORTERS`` as ``"module:function"``, imported only when asked for.
"""

from __future__ import annotations

import importlib
import io
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from crampcare.storage.models import User

Exporter = Callable[[Session, User], str]

EXPORTERS: dict[str, Exporter] = {}
# Formats provided by other modules; a module that is not installed yet is simply not offered.
OPTIONAL_EXPORTERS: dict[str, str] = {"fhir": "crampcare.fhir.diary_export:export_bundle"}


def register_exporter(name: str, exporter: Exporter) -> None:
    EXPORTERS[name] = exporter


def get_exporter(name: str) -> Exporter | None:
    if name in EXPORTERS:
        return EXPORTERS[name]
    target = OPTIONAL_EXPORTERS.get(name)
    if target is None:
        return None
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    exporter: Exporter = getattr(module, attr)
    return exporter


def available_formats() -> list[str]:
    return sorted(set(EXPORTERS) | {n for n in OPTIONAL_EXPORTERS if get_exporter(n) is not None})


def export_csv(session: Session, user: User, what: str = "episodes") -> str:
    from crampcare.diary.csv_io import write_day_logs_csv, write_episodes_csv
    from crampcare.diary.service import day_log_records, episode_records

    out = io.StringIO()
    if what == "day_logs":
        write_day_logs_csv(day_log_records(session, user), out)
    else:
        write_episodes_csv(episode_records(session, user), out)
    return out.getvalue()


def export_json(session: Session, user: User) -> str:
    from crampcare.diary.experiments import experiment_plan, list_experiments
    from crampcare.diary.json_io import diary_document
    from crampcare.diary.service import day_log_records, episode_records, list_medications

    medications: list[dict[str, Any]] = [
        {
            "name": m.name,
            "dose": m.dose,
            "started_on": m.started_on.isoformat(),
            "stopped_on": m.stopped_on.isoformat() if m.stopped_on else None,
            "notes": m.notes,
        }
        for m in list_medications(session, user)
    ]
    experiments = [experiment_plan(e) for e in list_experiments(session, user)]
    document = diary_document(
        episode_records(session, user), day_log_records(session, user), medications, experiments
    )
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


register_exporter("csv", export_csv)
register_exporter("json", export_json)
