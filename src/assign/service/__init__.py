"""The web service (the `service` extra): FastAPI routers over the library's one pipeline,
a database of organisations, regions, scenarios, jobs and plans, and worker processes."""
