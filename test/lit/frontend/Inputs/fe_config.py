"""A config module imported by the frontend tests (like pypto-lib's config.py)."""

BATCH = 8
HIDDEN = 64
