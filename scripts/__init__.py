"""Developer tools run from the repository root (`scripts/bootstrap`, `.venv/bin/python -m scripts.NAME`);
the product never imports them."""
