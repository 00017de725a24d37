"""N-of-1 self-experiments: the service that draws, stores, restores and analyses them
(``crampcare.experiments.service``); the schedule and statistics are pure (``crampcare.stats``), the
record is ``crampcare.records.Experiment``."""
