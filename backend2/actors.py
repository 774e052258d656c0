"""Every background job: its name, the service function that does it, its queue and its
retry rules; registered on the app's broker by create_app (backend2/infra/jobs.py runs them).

Jobs on `push` are the ones a user waits for (a ring, a message); `default` holds the rest.
A job whose function raises is retried by Dramatiq with exponential backoff, then kept in the
dead-letter queue; push_sender retries what a provider asks it to by itself.
"""
from backend2.extensions import jobs
from backend2.services.accounts import account_export
from backend2.services.media import file_removal, file_store, storage_migration
from backend2.services.messages import link_previews, search_backfill
from backend2.services.push import push_sender


def register_actors(app):
    config = app.config
    push_time = 3 * config["PUSH_TIMEOUT_MS"] + 5000
    jobs.register("plan_pushes", push_sender.plan_pushes, "push", max_retries=5, min_backoff=500,
                  time_limit=60_000)
    jobs.register("send_push", push_sender.send_push, "push", max_retries=config["PUSH_MAX_ATTEMPTS"],
                  min_backoff=2000, max_backoff=600_000, time_limit=push_time)
    jobs.register("build_export", account_export.build_export, "default", max_retries=0, time_limit=25 * 60_000)
    # Kept for the jobs queued before remove_uploads took its place (it deleted the records first).
    jobs.register("remove_files", file_store.remove_files, "default", max_retries=10, min_backoff=10_000)
    jobs.register("remove_uploads", file_removal.remove_uploads, "default", max_retries=10, min_backoff=10_000)
    jobs.register("link_preview", link_previews.add_preview, "default", max_retries=3, min_backoff=1000,
                  time_limit=30_000)
    jobs.register("index_search", search_backfill.index_job, "default", max_retries=0, time_limit=6 * 3600_000)
    jobs.register("migrate_storage", storage_migration.migrate_job, "default", max_retries=0,
                  time_limit=6 * 3600_000)
