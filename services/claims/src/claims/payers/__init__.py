"""Per-payer intake policy (timely filing limit), managed by admins."""
