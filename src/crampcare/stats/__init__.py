"""Statistics for the diary and for N-of-1 experiments: pure functions, no I/O.

- ``diary_stats.diary_stats``: the spec's summary plus trend and seasonality.
- ``factors.factor_regression``: what goes with more cramps (Poisson regression with rate ratios).
- ``schedule.make_schedule``: randomised paired-block schedules for self-experiments.
- ``nof1.analyze``: the experiment's result (rate ratio, posterior, randomisation test, verdict).
"""
