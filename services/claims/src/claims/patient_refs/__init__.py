"""Pseudonymous patient references for X12 claims, and the endpoint that tells a submitter one."""
