"""Benchmarks, each run from the repository root as `.venv/bin/python -m bench.NAME` and printing its figures
(never personal data); they build their world from `testbed/` and are never imported by the product."""
