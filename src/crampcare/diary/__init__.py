"""The cramp diary: records, night semantics, CSV/JSON formats, and the service functions.

Import the service functions from ``crampcare.diary.service`` (episodes, day logs, medications,
import) and ``crampcare.experiments.service`` (N-of-1 experiments); the exporters by format name from
``crampcare.diary.exporters``.
"""

from crampcare.records import DayLogRecord, EpisodeRecord
from crampcare.records.nights import night_of, tonight

__all__ = ["DayLogRecord", "EpisodeRecord", "night_of", "tonight"]
