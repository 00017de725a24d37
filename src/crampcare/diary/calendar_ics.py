"""An experiment's schedule as an iCalendar file (RFC 5545), for people who prefer their calendar.

One event per night at the person's chosen time, in their own time zone (with its VTIMEZONE, so
calendars place it right across DST changes). Each event says what the experiment page already
shows for that night (with or without the intervention) and nothing else: no seed, no codes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from crampcare.i18n import translator
from crampcare.storage.models import Experiment

EVENT_LENGTH = dt.timedelta(minutes=15)


def experiment_calendar(
    experiment: Experiment, zone_name: str, lang: str, at: dt.time, stamp: dt.datetime
) -> bytes:
    """The ``.ics`` bytes of ``experiment``'s nights at wall-clock ``at`` in ``zone_name``.

    ``stamp`` (aware) is the DTSTAMP, when the file was made. UIDs are stable, so importing an updated
    file replaces the events instead of doubling them.
    """
    from crampcare.experiments.service import intervention_label

    tr = translator(lang)
    tz = ZoneInfo(zone_name)
    what = intervention_label(experiment.intervention, lang)
    cal = Calendar()
    cal.add("prodid", "-//crampcare//experiment schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", tr("crampcare experiment: {intervention}", intervention=what))
    cal.add("x-wr-timezone", zone_name)
    total = len(experiment.nights)
    for number, night in enumerate(experiment.nights, start=1):
        event = Event()
        event.add("uid", f"experiment-{experiment.id}-{night.date.isoformat()}@crampcare")
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        start = dt.datetime.combine(night.date, at.replace(tzinfo=None), tzinfo=tz)
        event.add("dtstart", start)
        event.add("dtend", start + EVENT_LENGTH)
        if night.on:
            event.add("summary", tr("Tonight: DO it — {intervention}.", intervention=what))
        else:
            event.add(
                "summary",
                tr("Tonight: do NOT do it — {intervention}; a night without it.", intervention=what),
            )
        event.add(
            "description",
            tr(
                "Night {n} of {total} of your experiment. Log any cramps in the diary.", n=number, total=total
            ),
        )
        event.add("transp", "TRANSPARENT")  # a note, not a busy slot
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
