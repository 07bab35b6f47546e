"""Staff's work on cases: the inbox, the case page, counter work, procedure statuses and corrections."""
