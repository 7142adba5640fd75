"""Jobs: the queue with leases, their execution by the pipeline, the worker processes."""
