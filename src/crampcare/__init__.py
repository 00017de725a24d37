"""crampcare: an evidence-based assistant for people with leg cramps.

The pure core lives in :mod:`crampcare.assess`, :mod:`crampcare.knowledge` and
:mod:`crampcare.stats`; the CLI (:mod:`crampcare.cli`), web app and storage are thin shells
around it.
"""

__version__ = "0.1.0"
