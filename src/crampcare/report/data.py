"""Everything the doctor report shows, gathered into one plain, JSON-ready structure.

:func:`build_report` is pure (records, stats, experiment results and an assessment in; a dict out),
so the PDF and the HTML render the same numbers; :func:`gather` is the I/O around it (database and
knowledge base). Texts are translated here; the templates only lay them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from crampcare.i18n import Translator, language_of, ntr, number, translator
from crampcare.labels import code_label, sex_label, verdict_label
from crampcare.records import DayLogRecord, EpisodeRecord, MedicationRecord
from crampcare.stats.nof1_words import limits
from crampcare.storage.models import User

MAX_DIFFERENTIAL = 5


@dataclass(frozen=True)
class AssessmentSnapshot:
    """An assessment for the report: the input, the engine's result, and when it was made."""

    input: Mapping[str, Any]
    result: Mapping[str, Any]
    when: str  # ISO date or date-time


def _fmt(value: float | None, tr: Translator, digits: int = 1) -> str | None:
    """``value`` with ``digits`` decimals, written as the report's language writes numbers (1,5)."""
    if value is None:
        return None
    from crampcare.stats.nof1_words import number as fixed

    return fixed(value, digits, language_of(tr))


DrugLookup = Callable[[str], tuple[str, str] | None]  # name -> (ingredient, cramp association)


def _medicines(
    diary: Sequence[MedicationRecord],
    assessment: AssessmentSnapshot | None,
    review: Mapping[str, Mapping[str, Any]],
    drug_of: DrugLookup | None,
    tr: Translator,
) -> list[dict[str, Any]]:
    """Current medicines (diary first, then those only named in the assessment), each with its review.

    A medicine named in both (same ingredient or same name) is listed once, with the diary's dose.
    """
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    names = [(m.name, m.dose, m.started_on.isoformat()) for m in diary if m.stopped_on is None]
    if assessment is not None:
        names += [(str(n), "", "") for n in assessment.input.get("medications") or ()]
    for name, dose, since in names:
        entry = review.get(name)
        found = (str(entry["ingredient"]), str(entry["cramp_association"])) if entry else None
        if found is None and drug_of is not None:
            found = drug_of(name)
        key = found[0] if found else name.lower()
        if key in seen:
            continue
        seen.add(key)
        association = found[1] if found else "unknown"
        rows.append(
            {
                "name": name,
                "dose": dose,
                "since": since,
                "ingredient": found[0] if found else "",
                "association": association,
                "association_text": tr(
                    {
                        "known": "known to cause cramps",
                        "possible": "possibly linked to cramps",
                        "none": "not linked to cramps",
                        "unknown": "not recognised",
                    }[association]
                ),
                "highlight": association in ("known", "possible"),
            }
        )
    return rows


def _assessment_section(a: AssessmentSnapshot, tr: Translator) -> dict[str, Any]:
    """The assessment as the patient saw it: triage and what to do now first, words not codes."""
    from crampcare.assess import InputError, parse_inputs
    from crampcare.i18n import language_of
    from crampcare.present import present, result_from_json

    result = result_from_json(a.result)
    try:
        inp = parse_inputs(a.input)[0][0] if a.input else None
    except InputError:
        inp = None
    view = present(result, inp, language_of(tr))
    return {
        "when": a.when[:10],
        "triage": view.level,
        "triage_text": view.heading,
        "reasons": view.reasons,
        "actions": [item.text for item in view.actions],
        "warnings": view.warnings,
        "why": view.why,
        "nothing_reported": view.nothing_reported,
        "differential": [
            {
                "name": c.name,
                "likelihood": c.likelihood,
                "supporting": c.supporting,
                "against": c.against,
            }
            for c in view.differential[:MAX_DIFFERENTIAL]
        ],
        "factors": view.factors,
    }


def _person(a: AssessmentSnapshot | None, tr: Translator) -> dict[str, Any]:
    if a is None:
        return {"known": False}
    data = a.input
    pregnancy = data.get("pregnancy") or {}
    if pregnancy.get("pregnant"):
        weeks = pregnancy.get("weeks")
        preg = ntr("pregnant, {n} week", "pregnant, {n} weeks", weeks, tr) if weeks else tr("pregnant")
    elif pregnancy.get("postpartum_weeks") is not None:
        preg = ntr("gave birth {n} week ago", "gave birth {n} weeks ago", pregnancy["postpartum_weeks"], tr)
    elif pregnancy.get("pregnant") is False:
        preg = tr("not pregnant")
    else:
        preg = ""
    labs = data.get("labs") or {}
    from crampcare.fhir.codes import LAB_BY_FIELD

    return {
        "known": True,
        "age": number(tr, float(data["age_years"])),
        "sex": sex_label(str(data.get("sex")), tr),
        "pregnancy": preg,
        "conditions": [code_label(tr, "conditions", c) for c in data.get("conditions") or ()],
        "labs": [
            {"name": tr(LAB_BY_FIELD[k].text), "value": number(tr, v, 3), "unit": LAB_BY_FIELD[k].unit}
            for k, v in labs.items()
            if k in LAB_BY_FIELD and v is not None
        ],
    }


def _diary_section(
    episodes: Sequence[EpisodeRecord], stats: Mapping[str, Any], tr: Translator
) -> dict[str, Any]:
    nights = int(stats.get("nights") or 0)
    count = int(stats.get("episodes") or 0)
    per_week = round(7 * count / nights, 1) if nights else None
    trend = stats.get("trend") or {}
    ratio = trend.get("rate_ratio_per_month")
    if ratio is None:
        trend_text = tr("not enough data for a trend")
    else:
        ci = trend.get("ci95") or [None, None]
        direction = (
            tr("fewer")
            if ci[1] is not None and ci[1] < 1
            else (tr("more") if ci[0] is not None and ci[0] > 1 else tr("no clear change"))
        )
        trend_text = tr(
            "{ratio} per month (95% CI {low}-{high}): {direction}",
            ratio=_fmt(ratio, tr, 2),
            low=_fmt(ci[0], tr, 2),
            high=_fmt(ci[1], tr, 2),
            direction=direction,
        )
    by_muscle = stats.get("by_muscle") or {}
    by_hour = list(stats.get("by_hour") or [0] * 24)
    night_share = sum(by_hour[h] for h in (*range(22, 24), *range(0, 7)))
    return {
        "first": stats.get("first"),
        "last": stats.get("last"),
        "episodes": count,
        "nights": nights,
        "nights_with_cramps": int(stats.get("nights_with_cramps") or 0),
        "per_week": _fmt(per_week, tr),
        "mean_severity": _fmt(stats.get("mean_severity"), tr),
        # "31 episodes on 5 of 7 nights": each count agrees with its own noun (Russian plural forms)
        "recorded": tr(
            "{cramps} on {nights}",
            cramps=ntr("{n} episode", "{n} episodes", count, tr),
            nights=ntr(
                "{with_cramps} of {n} night",
                "{with_cramps} of {n} nights",
                nights,
                tr,
                with_cramps=number(tr, int(stats.get("nights_with_cramps") or 0)),
            ),
        ),
        "median_duration_s": stats.get("median_duration_s"),
        "woke": sum(1 for e in episodes if e.woke_from_sleep),
        "night_share": round(100 * night_share / count) if count else None,
        "muscles": ", ".join(
            f"{code_label(tr, 'cramp_locations', m).split(' (')[0].lower()} {n}" for m, n in by_muscle.items()
        ),
        "trend": trend_text,
    }


def _cent(r: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The CENT-style details (design diagram, per-period results, adherence, effect in words), with
    the same wording as the CLI and the web page (:mod:`crampcare.stats.nof1_cent`)."""
    from crampcare.stats.nof1_cent import cent_report

    view = cent_report(dict(r), lang, bool(r.get("adherence_known")))
    return {k: view[k] for k in ("imported", "design", "legend", "washout", "periods_title", "columns")} | {
        "on": view["on"],
        "off": view["off"],
        "blocks": [
            {
                "short": view["on"] if b["on"] else view["off"],
                "on": b["on"],
                "dates": f"{b['start'][5:]} – {b['end'][5:]}",
                "counted": b["counted"],
                "rate": b["rate"],
                "washout": b["washout_text"],
                "text": b["text"],
            }
            for b in view["blocks"]
        ],
        "periods": view["periods"],
        "adherence": view["adherence"],
        "effect": view["effect"],
    }


def _experiment_rows(results: Sequence[Mapping[str, Any]], tr: Translator) -> list[dict[str, Any]]:
    from crampcare.i18n import language_of

    rows = []
    for r in results:
        ci = r.get("ci95")
        name = code_label(tr, "recommendations", str(r.get("intervention", "")))
        if r.get("imported"):  # its schedule was not drawn here, perhaps after the nights were seen
            name = tr("{name} (imported: run elsewhere)", name=name)
        rows.append(
            {
                "intervention": name,
                "nights_on": r.get("nights_on"),
                "nights_off": r.get("nights_off"),
                "episodes_on": r.get("episodes_on"),
                "episodes_off": r.get("episodes_off"),
                "rate_ratio": _fmt(r.get("rate_ratio"), tr, 2),
                "ci95": f"{_fmt(ci[0], tr, 2)}–{_fmt(ci[1], tr, 2)}" if ci else None,
                "prob_benefit": round(100 * r["prob_benefit"]) if r.get("prob_benefit") is not None else None,
                "verdict": verdict_label(str(r.get("verdict")), tr),
                "cent": _cent(r, language_of(tr)) if r.get("explanation") else None,
            }
        )
    return rows


def build_report(
    *,
    episodes: Sequence[EpisodeRecord],
    stats: Mapping[str, Any],
    medications: Sequence[MedicationRecord],
    experiments: Sequence[Mapping[str, Any]],
    assessment: AssessmentSnapshot | None,
    period: tuple[dt.date | None, dt.date | None],
    generated: dt.date,
    cite: Any,
    lang: str = "en",
    drug_of: DrugLookup | None = None,
) -> dict[str, Any]:
    """The report's content as a JSON-ready dict (the templates' only input besides the charts)."""
    tr = translator(lang)
    result = assessment.result if assessment else {}
    review = {str(m["input"]): m for m in result.get("medication_review", [])}
    keys: list[str] = []
    for group in ("red_flags", "contributing_factors"):
        for item in result.get(group, []):
            keys += item.get("sources", [])
    for rec in result.get("recommendations", []):
        if rec.get("category") in ("review", "prevention") or rec.get("evidence") == "not_recommended":
            keys += rec.get("sources", [])
    references = [{"key": k, "citation": cite(k)} for k in dict.fromkeys(keys)]
    first, last = period
    return {
        "lang": lang,
        "title": tr("Leg cramps: summary for the doctor"),
        "generated": generated.isoformat(),
        "period": {
            "from": (first.isoformat() if first else stats.get("first")) or "",
            "to": (last.isoformat() if last else stats.get("last")) or "",
        },
        "person": _person(assessment, tr),
        "medicines": _medicines(medications, assessment, review, drug_of, tr),
        "assessment": _assessment_section(assessment, tr) if assessment else None,
        "diary": _diary_section(episodes, stats, tr),
        "experiments": _experiment_rows(experiments, tr),
        "experiment_limits": limits(lang) if experiments else None,
        "tests": [
            {"test": code_label(tr, "tests", t["test"]), "reason": t["reason"]}
            for t in result.get("tests_to_discuss", [])
        ],
        "not_recommended": [
            {"id": r["id"], "label": code_label(tr, "recommendations", r["id"])}
            for r in result.get("recommendations", [])
            if r.get("evidence") == "not_recommended"
        ],
        "references": references,
        "disclaimer": tr(
            "Prepared by the patient with crampcare from their own records and answers. It is not a "
            "diagnosis; probabilities are the program's estimates from what was reported."
        ),
    }


# --- I/O: the database and the knowledge base -----------------------------------------------------


def gather(
    session: Session,
    user: User,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    lang: str = "en",
    assessment: AssessmentSnapshot | None = None,
    today: dt.date | None = None,
) -> tuple[dict[str, Any], list[EpisodeRecord], dict[str, Any]]:
    """(report content, the episodes, the stats) for ``user``; ``assessment`` overrides the stored one."""
    from crampcare.diary.assessments import latest_assessment
    from crampcare.diary.service import day_log_records, episode_records, medication_records
    from crampcare.experiments.service import ADHERENCE, analyze_experiment, list_experiments
    from crampcare.knowledge import load
    from crampcare.stats.diary_stats import diary_stats

    today = today or dt.date.today()
    episodes = episode_records(session, user, date_from, date_to)
    logs: list[DayLogRecord] = day_log_records(session, user, date_from, date_to)
    stats = diary_stats(episodes, logs, factors=False)
    if assessment is None:
        stored = latest_assessment(session, user, lang)
        if stored is not None:
            assessment = AssessmentSnapshot(stored.input, stored.result, stored.when)
    experiments = []
    for exp in list_experiments(session, user):
        result = analyze_experiment(session, user, exp, as_of=today, lang=lang)
        if (result.get("nights_on") or 0) + (result.get("nights_off") or 0) > 0:
            experiments.append(result | {"adherence_known": exp.intervention in ADHERENCE})
    kb = load()
    content = build_report(
        episodes=episodes,
        stats=stats,
        medications=medication_records(session, user),
        experiments=experiments,
        assessment=assessment,
        period=(date_from, date_to),
        generated=today,
        cite=kb.cite,
        lang=lang,
        drug_of=_drug_lookup(),
    )
    return content, episodes, stats


def _drug_lookup() -> DrugLookup:
    from crampcare.assess.medications import medication_index

    index = medication_index()

    def lookup(name: str) -> tuple[str, str] | None:
        drug = index.match(name)
        return (drug.ingredient, drug.cramp_association) if drug is not None else None

    return lookup


def assessment_from_json(data: Any, when: str, lang: str = "en") -> AssessmentSnapshot:
    """An AssessmentInput (or a QuestionnaireResponse) from ``--assessment``, assessed now.

    Raises ``InputError`` or ``FhirError`` whose ``problems`` name the fields.
    """
    from crampcare.assess import assess, parse_inputs
    from crampcare.assess.validate import InputError
    from crampcare.fhir.questionnaire import inputs_from_fhir

    if isinstance(data, dict) and "triage" in data and "age_years" not in data:
        raise InputError(
            ["assessment: this is an AssessmentResult; give the AssessmentInput it was made from"]
        )
    inputs, batch = parse_inputs(inputs_from_fhir(data))
    if batch:
        raise InputError(["assessment: give one AssessmentInput, not a list"])
    result = assess(inputs[0], lang=lang)
    return AssessmentSnapshot(
        inputs[0].model_dump(mode="json", exclude_none=True, exclude_defaults=True), result.to_json(), when
    )
