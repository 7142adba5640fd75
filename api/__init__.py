"""The HTTP service of assign: regions, scenarios and (next) jobs, over FastAPI."""
