"""Background job settings: how a worker runs Dramatiq (backend2/infra/jobs.py)."""


def read_job_settings(config, get):
    config.JOBS_THREADS = int(get("JOBS_THREADS", 16))
    config.JOBS_POLL_MS = int(get("JOBS_POLL_MS", 100))
    config.JOBS_STOP_SECONDS = float(get("JOBS_STOP_SECONDS", 25))
    config.JOBS_HEARTBEAT_TIMEOUT_MS = int(get("JOBS_HEARTBEAT_TIMEOUT_MS", 60_000))
    config.JOBS_MAINTENANCE_CHANCE = int(get("JOBS_MAINTENANCE_CHANCE", 1000))


def job_problems(config):
    """What keeps the job settings from working; empty when all is well."""
    if min(config.JOBS_THREADS, config.JOBS_POLL_MS, config.JOBS_STOP_SECONDS, config.JOBS_HEARTBEAT_TIMEOUT_MS) <= 0:
        return ["JOBS_THREADS, JOBS_POLL_MS, JOBS_STOP_SECONDS and JOBS_HEARTBEAT_TIMEOUT_MS must be positive"]
    if not 0 <= config.JOBS_MAINTENANCE_CHANCE <= 1_000_000:
        return ["JOBS_MAINTENANCE_CHANCE is out of a million: between 0 and 1000000"]
    return []
