"""Every concrete claim of the source article, restated and graded (``data/claims.yaml``)."""

from __future__ import annotations

from typing import Literal

from crampcare.knowledge.common import Code, Sourced

ClaimTopic = Literal[
    "cause", "symptom", "first_aid", "treatment", "remedy", "diet", "prevention", "epidemiology", "diagnosis"
]
Verdict = Literal["supported", "partly", "unsupported", "wrong", "unsafe"]


class Claim(Sourced):
    """A claim in the knowledge base's own words, with its verdict and why."""

    id: Code
    topic: ClaimTopic
    claim: str
    verdict: Verdict
    reason: str
