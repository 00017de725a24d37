"""Alembic migrations for crampcare's database, shipped inside the package (see ``../migrate.py``)."""
