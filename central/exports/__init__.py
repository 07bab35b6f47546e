"""Exports for core systems and RPA: JSON lines and CSV, from committed cases only."""
