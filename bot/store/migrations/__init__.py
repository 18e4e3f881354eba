"""Alembic migrations of the StudyBot schema."""
