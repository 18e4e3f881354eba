"""Daily drops and weekly boards: APScheduler jobs that call the core's use cases."""
