"""Claim intake: JSON submissions, the intake edits, idempotency, voids and replacements."""
