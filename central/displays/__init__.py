"""The counter day's public faces: the waiting-room display, the public congestion page, the citizen's
ticket status page; none shows or stores personal data."""
