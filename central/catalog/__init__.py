"""The catalog page for supervisors and admins: every procedure in words, and a household to try."""
