"""Contributing factors: what makes cramps more likely in this person (not a diagnosis)."""

from __future__ import annotations

from crampcare.knowledge.common import Sourced


class Factor(Sourced):
    """``id`` is the output id (``lab:low_potassium``); it is reported when ``feature`` is present."""

    id: str
    feature: str
    explanation: str
