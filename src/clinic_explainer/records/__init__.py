"""The clinic's records in a real database: staff training (who was trained, when, on which
version of the content, with what result) and the review log of the content.

SQLAlchemy with Alembic migrations; SQLite in data/ by default (created and migrated on first
use, so nothing needs setting up), any SQLAlchemy URL by one setting
(CLINIC_EXPLAINER_DATABASE_URL, e.g. PostgreSQL for a hub across machines). Staff names
are not patient data; nothing a patient enters is ever written here.
"""
