"""The procedure catalog (data) and the navigator that turns a household's facts into a plan."""
