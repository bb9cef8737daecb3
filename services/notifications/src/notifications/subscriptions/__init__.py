"""Webhook subscriptions a tenant manages for itself, and their signing secrets."""
