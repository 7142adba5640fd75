"""The year plan: the event catalogue and the events placed in the school year."""
