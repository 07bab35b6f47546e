"""Staff accounts, sessions and CSRF protection for the staff UI and its API."""
