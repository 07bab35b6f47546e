"""Supervisors' figures: stay, wait, service and after-work time, cases handled, handwriting avoided and
satisfaction, per office and city day, computed from the queue's timed events (docs/kpi.md)."""
