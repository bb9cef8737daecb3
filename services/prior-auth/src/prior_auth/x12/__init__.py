"""X12 278 requests in, 278 responses (or a 999) out."""
