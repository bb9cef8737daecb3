"""Transactional outbox, inbox, event consumers with retries and dead letters."""
