"""The assessment questionnaire as data: one list of questions with skip logic.

The CLI's interactive questionnaire, the web form and the FHIR ``Questionnaire`` are all built
from this list, so they ask the same things in the same order. Option labels are the vocabulary's
own descriptions (translated through the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from crampcare.spec import vocabulary

Kind = Literal["number", "integer", "choice", "multi", "boolean", "text_list"]


@dataclass(frozen=True)
class EnableWhen:
    """Ask the question only when an earlier answer meets this (FHIR ``enableWhen`` style)."""

    question: str
    operator: Literal["=", ">=", "<=", "exists"]
    answer: Any = True


@dataclass(frozen=True)
class Question:
    link_id: str  # also the AssessmentInput path: "cramps.timing", "findings.cramp", "age_years"
    text: str
    kind: Kind
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    enable_when: tuple[EnableWhen, ...] = field(default=())

    @property
    def target(self) -> str:
        """The AssessmentInput field the answer fills (findings groups all fill ``findings``)."""
        if self.link_id.startswith("findings."):
            return "findings"
        return "medication_changes" if self.link_id.startswith("medication_changes.") else self.link_id


# Findings grouped the way a clinician asks: danger signs first, then what the cramp is like.
FINDING_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    # Danger signs, split in two so that neither list is too long to read at 3 a.m.: first the
    # chest, breathing, consciousness and the leg's blood supply; then injury, urine, heat, stiffness.
    "danger": (
        "Do you have any of these right now or in the last days?",
        (
            "chest_pain",
            "shortness_of_breath",
            "coughing_blood",
            "generalized_convulsions",
            "loss_of_consciousness",
            "confusion",
            "fever",
            "sudden_cold_pale_leg",
            "sudden_leg_numbness_or_paralysis",
            "unilateral_calf_swelling",
            "calf_warmth_redness",
            "persistent_calf_pain_tenderness",
            "tense_swollen_muscle_compartment",
            "severe_pain_out_of_proportion",
        ),
    ),
    "danger_more": (
        "And any of these in the last days?",
        (
            "recent_leg_injury",
            "unable_to_bear_weight",
            "recent_fall",
            "limp_or_refusing_to_walk",
            "recent_wound",
            "dark_urine",
            "little_or_no_urine",
            "severe_muscle_pain_after_exertion",
            "hot_dry_skin_no_sweating",
            "saddle_numbness_or_bladder_bowel_change",
            "jaw_spasm_or_stiff_neck",
            "generalised_muscle_rigidity",
        ),
    ),
    "cramp": (
        "What are the episodes like?",
        (
            "sudden_painful_tightening",
            "visible_or_palpable_knot",
            "relieved_by_stretching",
            "soreness_after_cramp",
            "sleep_disrupted",
            "cramp_while_swimming",
            "sudden_pain_during_sport",
            "sustained_abnormal_foot_posture",
        ),
    ),
    "sleep": (
        "Anything like this at rest or in bed?",
        (
            "urge_to_move_legs",
            "unpleasant_leg_sensations",
            "worse_at_rest",
            "relieved_by_movement",
            "worse_in_evening",
            "brief_jerk_falling_asleep",
            "bed_partner_reports_kicks",
            "painless_movements",
        ),
    ),
    "circulation": (
        "Walking, circulation and veins",
        (
            "calf_pain_walking_relieved_by_standing",
            "leg_pain_walking_relieved_by_sitting_or_bending",
            "back_pain_radiating_to_leg",
            "cold_feet",
            "weak_or_absent_foot_pulses",
            "non_healing_foot_wound",
            "visible_varicose_veins",
            "leg_heaviness_evening",
            "ankle_swelling_both",
            "rest_pain_eased_by_hanging_leg_down",
            "irregular_pulse",
            "back_pain_band_or_worse_lying_down",
        ),
    ),
    "nerves": (
        "Nerves, muscles and minerals",
        (
            "numbness_tingling_feet",
            "burning_feet",
            "progressive_muscle_weakness",
            "muscle_wasting",
            "muscle_twitching",
            "difficulty_swallowing_or_speaking",
            "tingling_around_mouth",
            "hand_spasms",
            "vomiting_or_diarrhoea",
            "heavy_sweating",
            "dizziness_on_standing",
            "excessive_thirst_urination",
            "palpitations",
            "cold_intolerance",
            "weight_gain_fatigue",
            "tremor",
            "abdominal_cramps",
            "unintentional_weight_loss",
            "jaw_pain_on_chewing",
        ),
    ),
    "seizure": (
        "About the episode (if you lost awareness or jerked all over)",
        ("tongue_bitten", "confusion_after_episode", "incontinence_during_episode"),
    ),
    "pregnancy": (
        "In pregnancy or after the birth: any of these?",
        ("severe_headache", "visual_disturbance", "sudden_swelling_face_hands", "upper_abdominal_pain"),
    ),
}

CHANGES = ("started", "stopped", "dose_increased", "dose_decreased")
# Findings a clinician can check and rule out that change the reasoning (see conditions.yaml).
ABSENT_OPTIONS = (
    "weak_or_absent_foot_pulses",
    "unilateral_calf_swelling",
    "calf_warmth_redness",
    "muscle_wasting",
    "progressive_muscle_weakness",
    "fever",
)
MEDICATION_CHANGE = "medication_changes."

_PREGNANCY_RELEVANT = EnableWhen("sex", "=", "female")
_PREGNANT_OR_AFTER = (EnableWhen("pregnancy.pregnant", "=", True),)


def questions() -> tuple[Question, ...]:
    voc = vocabulary()
    all_findings = set(voc["findings"])
    grouped = {f for _, codes in FINDING_GROUPS.values() for f in codes}
    if grouped != all_findings:  # a new vocabulary finding must be placed in a group
        raise RuntimeError(f"findings not in a questionnaire group: {sorted(all_findings ^ grouped)}")
    qs: list[Question] = [
        Question("age_years", "How old are you (years)?", "number", minimum=0, maximum=120, required=True),
        Question("sex", "Sex", "choice", ("female", "male", "intersex", "unknown"), required=True),
        Question("pregnancy.pregnant", "Are you pregnant?", "boolean", enable_when=(_PREGNANCY_RELEVANT,)),
        Question(
            "pregnancy.weeks",
            "How many weeks pregnant?",
            "integer",
            minimum=1,
            maximum=42,
            enable_when=_PREGNANT_OR_AFTER,
        ),
        Question(
            "pregnancy.postpartum_weeks",
            "If you gave birth in the last year: how many weeks ago?",
            "integer",
            minimum=0,
            maximum=52,
            enable_when=(_PREGNANCY_RELEVANT,),
        ),
        Question("findings.danger", FINDING_GROUPS["danger"][0], "multi", FINDING_GROUPS["danger"][1]),
        Question(
            "findings.danger_more",
            FINDING_GROUPS["danger_more"][0],
            "multi",
            FINDING_GROUPS["danger_more"][1],
        ),
        Question("cramps.timing", "When do the episodes happen?", "multi", tuple(voc["cramp_timing"])),
        Question("cramps.locations", "Where?", "multi", tuple(voc["cramp_locations"])),
        Question("cramps.side", "Which side?", "choice", ("left", "right", "both", "alternating")),
        Question(
            "cramps.episode_duration_seconds",
            "How long does an episode last (seconds)?",
            "number",
            minimum=0,
            maximum=86400,
        ),
        Question("cramps.episodes_per_week", "How many episodes a week?", "number", minimum=0, maximum=500),
        Question(
            "cramps.weeks_since_onset", "How many weeks since they began?", "number", minimum=0, maximum=5200
        ),
        Question("cramps.pain_severity_0_10", "How bad is the pain (0-10)?", "number", minimum=0, maximum=10),
    ]
    for key in ("cramp", "sleep", "circulation", "nerves"):
        text, codes = FINDING_GROUPS[key]
        qs.append(Question(f"findings.{key}", text, "multi", codes))
    qs.append(
        Question(
            "findings.seizure",
            FINDING_GROUPS["seizure"][0],
            "multi",
            FINDING_GROUPS["seizure"][1],
            enable_when=(
                EnableWhen("findings.danger", "=", "generalized_convulsions"),
                EnableWhen("findings.danger", "=", "loss_of_consciousness"),
            ),
        )
    )
    qs.append(
        Question(
            "findings.pregnancy",
            FINDING_GROUPS["pregnancy"][0],
            "multi",
            FINDING_GROUPS["pregnancy"][1],
            enable_when=(
                EnableWhen("pregnancy.pregnant", "=", True),
                EnableWhen("pregnancy.postpartum_weeks", "exists"),
            ),
        )
    )
    qs += [
        Question("conditions", "Do you have any of these conditions?", "multi", tuple(voc["conditions"])),
        Question(
            "medications",
            "Which medicines, supplements or remedies do you take? (names, any language)",
            "text_list",
        ),
        # v2: a medicine started, stopped or changed (one change for the medicines named here).
        Question(
            "medication_changes.medication",
            "Did you start, stop or change the dose of a medicine in the last months? Which one?",
            "text_list",
        ),
        Question(
            "medication_changes.change",
            "What changed?",
            "choice",
            CHANGES,
            enable_when=(EnableWhen("medication_changes.medication", "exists"),),
        ),
        Question(
            "medication_changes.weeks_ago",
            "How many weeks ago?",
            "number",
            minimum=0,
            maximum=520,
            enable_when=(EnableWhen("medication_changes.medication", "exists"),),
        ),
        Question(
            "exposures",
            "In the last days or weeks, did any of these apply to you?",
            "multi",
            tuple(voc["exposures"]),
        ),
        # v2: findings a doctor or nurse checked and found absent (e.g. normal foot pulses).
        Question(
            "absent_findings",
            "Has a doctor or nurse checked and found that you do NOT have any of these?",
            "multi",
            ABSENT_OPTIONS,
        ),
        Question(
            "lifestyle.caffeine_drinks_per_day", "Caffeinated drinks a day", "number", minimum=0, maximum=50
        ),
        Question(
            "lifestyle.alcohol_units_per_week", "Units of alcohol a week", "number", minimum=0, maximum=300
        ),
        Question("lifestyle.smoker", "Do you smoke?", "boolean"),
        Question(
            "lifestyle.activity", "How active are you?", "choice", ("sedentary", "moderate", "vigorous")
        ),
        Question("lifestyle.fluid_litres_per_day", "Litres of fluid a day", "number", minimum=0, maximum=20),
        Question("lifestyle.prolonged_standing", "Do you stand for long periods?", "boolean"),
        Question("lifestyle.cold_water_swimming", "Do you swim in cold water?", "boolean"),
        Question(
            "lifestyle.recent_unaccustomed_exercise", "Heavy or unaccustomed exercise recently?", "boolean"
        ),
    ]
    return tuple(qs)


def enabled(q: Question, answers: dict[str, Any]) -> bool:
    """Whether to ask ``q`` given the answers so far (any one enableWhen suffices)."""
    if not q.enable_when:
        return True
    for cond in q.enable_when:
        value = answers.get(cond.question)
        if cond.operator == "exists":
            if value is not None:
                return True
        elif isinstance(value, (list, tuple)):
            if cond.answer in value:
                return True
        elif value is not None and (
            (cond.operator == "=" and value == cond.answer)
            or (cond.operator == ">=" and value >= cond.answer)
            or (cond.operator == "<=" and value <= cond.answer)
        ):
            return True
    return False


def to_input(answers: dict[str, Any]) -> dict[str, Any]:
    """Turn ``{link_id: answer}`` into an AssessmentInput-shaped dict (unanswered fields left out)."""
    out: dict[str, Any] = {}
    findings: list[str] = []
    for q in questions():
        value = answers.get(q.link_id)
        if value is None or value == [] or value == "":
            continue
        if q.link_id.startswith(MEDICATION_CHANGE):
            continue  # one list of objects, built below
        if q.target == "findings":
            findings += [v for v in value if v not in findings]
            continue
        node = out
        *parents, leaf = q.link_id.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = list(value) if isinstance(value, (list, tuple)) else value
    if findings:
        out["findings"] = findings
    changes = _medication_changes(answers)
    if changes:
        out["medication_changes"] = changes
    return out


def _medication_changes(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """v2 ``medication_changes``: one entry per medicine named, with the change and when."""
    names = answers.get(MEDICATION_CHANGE + "medication") or []
    change = answers.get(MEDICATION_CHANGE + "change")
    if not names or change is None:
        return []
    weeks = answers.get(MEDICATION_CHANGE + "weeks_ago")
    base: dict[str, Any] = {"change": change} | ({"weeks_ago": weeks} if weeks is not None else {})
    return [{"medication": name, **base} for name in names]


def medication_change_answers(data: dict[str, Any]) -> dict[str, Any]:
    """The inverse of ``_medication_changes`` (the first change's kind and time for all of them)."""
    changes = [c for c in data.get("medication_changes") or () if isinstance(c, dict)]
    if not changes:
        return {}
    out: dict[str, Any] = {
        MEDICATION_CHANGE + "medication": [c["medication"] for c in changes],
        MEDICATION_CHANGE + "change": changes[0]["change"],
    }
    if changes[0].get("weeks_ago") is not None:
        out[MEDICATION_CHANGE + "weeks_ago"] = changes[0]["weeks_ago"]
    return out
