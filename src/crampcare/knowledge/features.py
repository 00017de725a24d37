"""Derived features: thresholds that turn a number (a lab, a vital sign, an age) into a fact.

The engine names every fact about a person as a feature string: ``finding:<code>``,
``timing:<code>``, ``location:<code>``, ``condition:<code>``, ``drug_class:<code>``, ``side:<code>``,
``sex:<code>``, (v2) ``absent:<finding>``, ``exposure:<code>``, ``started:drug_class:<code>``
(a medicine of that class started; ``started_recently:`` within 12 weeks; likewise ``stopped:`` and
``dose_increased:``), ``lab:d_dimer_raised`` and the threshold features defined here
(``lab:low_potassium``, ``vital:fever``...).
"""

from __future__ import annotations

from typing import Literal

from crampcare.knowledge.common import Sourced

Op = Literal["<", "<=", ">", ">="]

# Numbers the engine measures from an AssessmentInput; ``calcium_corrected_mmol_l`` is derived
# (albumin-adjusted calcium) and the others are the input's own fields.
MEASURES: frozenset[str] = frozenset(
    {
        "age_years",
        "pregnancy_weeks",
        "postpartum_weeks",
        "episode_duration_seconds",
        "episodes_per_week",
        "weeks_since_onset",
        "pain_severity_0_10",
        "caffeine_drinks_per_day",
        "alcohol_units_per_week",
        "fluid_litres_per_day",
        "potassium_mmol_l",
        "magnesium_mmol_l",
        "calcium_mmol_l",
        "calcium_corrected_mmol_l",
        "albumin_g_l",
        "sodium_mmol_l",
        "glucose_mmol_l",
        "tsh_mu_l",
        "egfr_ml_min",
        "creatinine_umol_l",
        "ck_u_l",
        "temperature_c",
        "systolic_mmhg",
        "diastolic_mmhg",
        "heart_rate_bpm",
        # v2
        "ferritin_ug_l",
        "haemoglobin_g_l",
        "pth_pmol_l",
        "hba1c_mmol_mol",
        "lithium_mmol_l",
        "inr",
        "vitamin_d_nmol_l",
        "phosphate_mmol_l",
        "respiratory_rate_bpm",
        "oxygen_saturation_pct",
    }
)


class Threshold(Sourced):
    """``id`` is present when ``measure op value`` holds (and the measure was reported)."""

    id: str
    measure: str
    op: Op
    value: float
    label: str

    def holds(self, number: float) -> bool:
        if self.op == "<":
            return number < self.value
        if self.op == "<=":
            return number <= self.value
        if self.op == ">":
            return number > self.value
        return number >= self.value
