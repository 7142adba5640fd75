"""The year plan: events placed on days and hours for every methodist (CP-SAT)."""
