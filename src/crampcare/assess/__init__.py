"""The assessment engine: a pure function from what a person reports to triage and advice.

    from crampcare.assess import assess, parse_inputs
    inputs, _ = parse_inputs(json.loads(text))   # raises InputError with field paths
    result = assess(inputs[0], lang="en")         # an AssessmentResult; deterministic, no I/O

Once the knowledge base is loaded (cached per process), ``assess`` does no I/O.
"""

from crampcare.assess.engine import assess
from crampcare.assess.models import AssessmentInput, AssessmentResult
from crampcare.assess.validate import InputError, parse_inputs

__all__ = ["AssessmentInput", "AssessmentResult", "InputError", "assess", "parse_inputs"]
