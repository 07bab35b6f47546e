"""Signed webhooks that push each approved procedure to the core systems that asked for it."""
