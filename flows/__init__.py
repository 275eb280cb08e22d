"""The Prefect wiring, thin: one flow run of `duaal.run.pipeline.execute`, its stages as
tasks, the scheduled deployments and the run's summary."""
