"""Webhook delivery: subscription matching, URL safety, signed sending, retry decisions."""
