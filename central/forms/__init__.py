"""Printable A4 PDFs of a plan's forms, prefilled, for the citizen's signature."""
