"""Helpers for tests and benchmarks of the code catalog: files in the official layouts."""
