"""Persistence: SQLAlchemy models, engine set-up, migrations, the unit of work and its stores."""
