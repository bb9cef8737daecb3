"""Claim status inquiry in the spirit of X12 276/277."""
