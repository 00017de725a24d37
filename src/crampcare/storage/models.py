"""The tables crampcare stores, as SQLAlchemy 2 typed models.

Everything a person records hangs off ``users.id`` so that the web app can add logins later without
moving data. Times are stored as naive UTC ``DateTime`` plus the UTC offset (minutes) the person
recorded them with: the offset is what decides which night an episode belongs to (see
``crampcare.records.nights``), so it must survive a round trip exactly. ``night_date`` is derived from
the two and stored only so that range queries can use an index.

The schema itself is created by the Alembic migrations in ``migrations/versions``; these models must
match the latest revision (``tests/test_storage.py`` checks that with Alembic's autogenerate compare).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints so that later migrations (and SQLite batch mode) can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A person whose diary this is. The CLI uses one local user; the web app adds logins."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    locale: Mapped[str] = mapped_column(String(16), default="en")
    # Bumped in the same transaction as every change to the user's episodes or day logs
    # (``crampcare.storage.versioning``): statistics are cached under it, never recomputed per view.
    diary_version: Mapped[int] = mapped_column(Integer, default=0, server_default=sa.text("0"))

    episodes: Mapped[list[Episode]] = relationship(back_populates="user", passive_deletes=True)


class Episode(Base):
    """One cramp. Identified within a user by (start instant, muscle, side), as the spec says."""

    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("user_id", "started_at_utc", "muscle", "side", name="uq_episode_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    utc_offset_min: Mapped[int] = mapped_column(Integer)
    night_date: Mapped[dt.date] = mapped_column(Date, index=True)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    muscle: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(8))
    severity: Mapped[int | None] = mapped_column(Integer)
    woke_from_sleep: Mapped[bool | None] = mapped_column(Boolean)
    relieved_by: Mapped[str] = mapped_column(String(200), default="")  # ';'-joined codes, in order given
    notes: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(back_populates="episodes")


class DayLog(Base):
    """What a person did on day D; it describes the evening before the night of D."""

    __tablename__ = "day_logs"
    __table_args__ = (UniqueConstraint("user_id", "date", name="uq_day_log_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    stretched_before_bed: Mapped[bool | None] = mapped_column(Boolean)
    fluid_litres: Mapped[float | None] = mapped_column(Float(precision=53))
    caffeine_drinks: Mapped[float | None] = mapped_column(Float(precision=53))
    alcohol_units: Mapped[float | None] = mapped_column(Float(precision=53))
    exercise_minutes: Mapped[float | None] = mapped_column(Float(precision=53))
    notes: Mapped[str] = mapped_column(Text, default="")


class Medication(Base):
    """A medicine taken over a date range (``stopped_on`` empty while still taken)."""

    __tablename__ = "medications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    dose: Mapped[str] = mapped_column(String(200), default="")
    started_on: Mapped[dt.date] = mapped_column(Date)
    stopped_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class Experiment(Base):
    """An N-of-1 self-experiment: randomised paired blocks of nights on and off an intervention."""

    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    intervention: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[dt.date] = mapped_column(Date)
    block_days: Mapped[int] = mapped_column(Integer)
    pairs: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    washout_days: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # True for a schedule run elsewhere (on paper, another app): its seed and start were chosen
    # outside crampcare, possibly after outcomes were seen, so every report labels it.
    imported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa.false())
    # SHA-256 of the plan as drawn (seed, start, design, every night): a later edit is detectable.
    schedule_sha256: Mapped[str | None] = mapped_column(String(64))

    nights: Mapped[list[ExperimentNight]] = relationship(
        back_populates="experiment",
        order_by="ExperimentNight.date",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ExperimentNight(Base):
    """One scheduled night of an experiment: which pair and block it is in, and whether it is 'on'."""

    __tablename__ = "experiment_nights"
    __table_args__ = (UniqueConstraint("experiment_id", "date", name="uq_experiment_night_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    pair_index: Mapped[int] = mapped_column(Integer)
    block_index: Mapped[int] = mapped_column(Integer)
    on: Mapped[bool] = mapped_column(Boolean)

    experiment: Mapped[Experiment] = relationship(back_populates="nights")


class ActivityDay(Base):
    """Steps and exercise a phone counted on day D, and the hours asleep in the night of D.

    Imported from Apple Health or Google Fit (``crampcare.diary.activity``); one row per day, which a
    re-import replaces. Kept apart from ``day_logs``: a phone's numbers are not what a person wrote.
    """

    __tablename__ = "activity_days"
    __table_args__ = (UniqueConstraint("user_id", "date", name="uq_activity_day_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    steps: Mapped[int | None] = mapped_column(Integer)
    exercise_minutes: Mapped[float | None] = mapped_column(Float(precision=53))
    sleep_hours: Mapped[float | None] = mapped_column(Float(precision=53))
    source: Mapped[str] = mapped_column(String(200), default="")
