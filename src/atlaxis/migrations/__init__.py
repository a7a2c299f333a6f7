"""Alembic migration scripts (run them with ``atlaxis db upgrade``)."""
