"""Implausible or contradictory answers, said plainly (the result's v2 ``input_warnings``).

A warning never stops the assessment: it runs on what was given, and where answers contradict each
other the engine takes the safer reading (a pregnancy reported by someone who also said "male" or
gave an unusual age is still taken into account - see ``features._pregnancy_features``). The
warning asks the person to check the answer; it does not accuse them of an error.
"""

from __future__ import annotations

from crampcare.assess.models import AssessmentInput, InputWarning
from crampcare.i18n import Translator

# Pregnancy outside these ages is rare enough to ask about (not impossible: we still count it).
PREGNANCY_MIN_AGE = 10
PREGNANCY_MAX_AGE = 55
# Below this age alcohol or smoking is worth a question (and may itself matter to a doctor).
CHILD_AGE = 14
# Amounts beyond what a person can plausibly take in every week or day: likely a typing slip.
MAX_ALCOHOL_UNITS_PER_WEEK = 200.0
MAX_CAFFEINE_DRINKS_PER_DAY = 30.0
MAX_FLUID_LITRES_PER_DAY = 15.0
WEEKS_PER_YEAR = 52.18

PREGNANT_MALE = (
    "You said you are male and also answered questions about pregnancy. To be safe we have still "
    "taken a pregnancy into account. Please check your answers."
)
PREGNANT_AGE = (
    "You answered that you are pregnant or recently gave birth at an age when this is very unusual. "
    "To be safe we have still taken it into account. Please check your age and the pregnancy answers."
)
WEEKS_NOT_PREGNANT = (
    "You gave the weeks of pregnancy but also answered that you are not pregnant. To be safe we "
    "have taken a pregnancy into account. Please check these answers."
)
PREGNANT_AND_POSTPARTUM = (
    "You answered both that you are pregnant and that you gave birth recently. We have taken both "
    "into account to be safe. Please check these answers."
)
CHILD_ALCOHOL = (
    "Alcohol was reported for a child. Please check the age and the alcohol answer; alcohol can "
    "harm a child, so tell a doctor about it."
)
CHILD_SMOKING = (
    "Smoking was reported for a child. Please check the age and the smoking answer, and tell a "
    "doctor about it."
)
TOO_MUCH_ALCOHOL = "The amount of alcohol looks too high to be right. Please check this number."
TOO_MUCH_CAFFEINE = (
    "The number of caffeinated drinks a day looks too high to be right. Please check this number."
)
TOO_MUCH_FLUID = (
    "The amount you drink a day looks very high. Please check this number; drinking far too much "
    "water can itself be dangerous."
)
ONSET_BEFORE_BIRTH = (
    "The cramps are said to have started before you were born. Please check how long you have had them."
)

MESSAGES = (
    PREGNANT_MALE,
    PREGNANT_AGE,
    WEEKS_NOT_PREGNANT,
    PREGNANT_AND_POSTPARTUM,
    CHILD_ALCOHOL,
    CHILD_SMOKING,
    TOO_MUCH_ALCOHOL,
    TOO_MUCH_CAFFEINE,
    TOO_MUCH_FLUID,
    ONSET_BEFORE_BIRTH,
)


def _pregnancy(inp: AssessmentInput) -> list[tuple[str, str]]:
    p = inp.pregnancy
    reported = bool(p.pregnant) or p.weeks is not None or p.postpartum_weeks is not None
    out: list[tuple[str, str]] = []
    if not reported:
        return out
    if inp.sex == "male":
        out.append(("pregnancy", PREGNANT_MALE))
    if inp.age_years < PREGNANCY_MIN_AGE or inp.age_years > PREGNANCY_MAX_AGE:
        out.append(("pregnancy", PREGNANT_AGE))
    if p.pregnant is False and p.weeks is not None:
        out.append(("pregnancy.weeks", WEEKS_NOT_PREGNANT))
    if (p.pregnant or p.weeks is not None) and p.postpartum_weeks is not None:
        out.append(("pregnancy.postpartum_weeks", PREGNANT_AND_POSTPARTUM))
    return out


def _lifestyle(inp: AssessmentInput) -> list[tuple[str, str]]:
    life = inp.lifestyle
    out: list[tuple[str, str]] = []
    child = inp.age_years < CHILD_AGE
    if life.alcohol_units_per_week is not None:
        if child and life.alcohol_units_per_week > 0:
            out.append(("lifestyle.alcohol_units_per_week", CHILD_ALCOHOL))
        if life.alcohol_units_per_week > MAX_ALCOHOL_UNITS_PER_WEEK:
            out.append(("lifestyle.alcohol_units_per_week", TOO_MUCH_ALCOHOL))
    if child and life.smoker:
        out.append(("lifestyle.smoker", CHILD_SMOKING))
    if (
        life.caffeine_drinks_per_day is not None
        and life.caffeine_drinks_per_day > MAX_CAFFEINE_DRINKS_PER_DAY
    ):
        out.append(("lifestyle.caffeine_drinks_per_day", TOO_MUCH_CAFFEINE))
    if life.fluid_litres_per_day is not None and life.fluid_litres_per_day > MAX_FLUID_LITRES_PER_DAY:
        out.append(("lifestyle.fluid_litres_per_day", TOO_MUCH_FLUID))
    return out


def _cramps(inp: AssessmentInput) -> list[tuple[str, str]]:
    weeks = inp.cramps.weeks_since_onset
    if weeks is not None and weeks > (inp.age_years + 1) * WEEKS_PER_YEAR:
        return [("cramps.weeks_since_onset", ONSET_BEFORE_BIRTH)]
    return []


def check(inp: AssessmentInput, tr: Translator) -> list[InputWarning]:
    """Every implausible or contradictory answer of ``inp``, in the translator's language."""
    found = _pregnancy(inp) + _lifestyle(inp) + _cramps(inp)
    return [InputWarning(field=name, message=tr(text)) for name, text in found]
