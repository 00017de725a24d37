"""The diary's records at the bottom of the layers: typed models with their limits and choices.

``Episode``, ``DayLog``, ``Medicine`` and ``Experiment`` read text (CSV, forms, command-line options)
or typed values (JSON) with one reader per kind of value, so every edge accepts the same input
(``1,5`` is 1.5 everywhere) and words the same problem the same way. Pure: no I/O, and nothing from
the rest of crampcare.
"""

from crampcare.records.experiments import Experiment, plan_digest
from crampcare.records.models import (
    DayLog,
    DayLogEntry,
    Episode,
    EpisodeChanges,
    Medicine,
    day_log_from_row,
    episode_from_row,
    medication_from_row,
    read,
    read_or_raise,
)
from crampcare.records.problems import FieldProblem, RecordProblems
from crampcare.records.values import (
    DAY_LOG_FACTORS,
    DAY_LOG_FIELDS,
    EPISODE_FIELDS,
    MEDICATION_FIELDS,
    RELIEF_CODES,
    SIDES,
    Today,
)

# The names the rest of the code has used for these records.
EpisodeRecord = Episode
DayLogRecord = DayLog
MedicationRecord = Medicine
ExperimentRecord = Experiment

__all__ = [
    "DAY_LOG_FACTORS",
    "DAY_LOG_FIELDS",
    "EPISODE_FIELDS",
    "MEDICATION_FIELDS",
    "RELIEF_CODES",
    "SIDES",
    "DayLog",
    "DayLogEntry",
    "DayLogRecord",
    "Episode",
    "EpisodeChanges",
    "EpisodeRecord",
    "Experiment",
    "ExperimentRecord",
    "FieldProblem",
    "MedicationRecord",
    "Medicine",
    "RecordProblems",
    "Today",
    "day_log_from_row",
    "episode_from_row",
    "medication_from_row",
    "plan_digest",
    "read",
    "read_or_raise",
]
