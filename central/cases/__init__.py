"""Staff's work on cases: the inbox, the case page, counter work, interview mode, procedure statuses and the
case lifecycle, corrections, and preparing synced cases for staff."""
