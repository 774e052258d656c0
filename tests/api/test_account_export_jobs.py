"""The export job, as workers run it: at least once, so however often and however many run it
for one export, one zip is built and stored."""
import io
import threading

import pytest

from backend2.models import Upload
from backend2.services.accounts import account_export
from support.legacy_world import png
from support.people import AppWorld

pytestmark = pytest.mark.redis


@pytest.fixture
def queued_export(make_app, otp_inbox, redis_client):
    """(app, the owner's id, the job id) of an export queued in Redis, which no worker runs here."""
    redis_client.flushdb()
    app = make_app(use_redis=True, EXPORT_INLINE_MAX_BYTES=10)
    world = AppWorld(app.test_client(), otp_inbox)
    me = world.person("Me")
    assert world.client.post("/uploads", headers=me.headers, data={"file": (io.BytesIO(png()), "a.png")},
                             content_type="multipart/form-data").status_code == 201
    started = world.client.get("/users/me/export", headers=me.headers)
    assert started.status_code == 202
    return app, me.id, started.get_json()["jobId"]


def exports_of(user_id):
    return [u for u in Upload.objects(owner=user_id) if u.stored_name.startswith("export-")]


def test_the_job_run_twice_builds_one_export(queued_export):
    app, user_id, job_id = queued_export
    with app.app_context():
        assert exports_of(user_id) == []
        account_export.build_export(user_id, job_id)
        account_export.build_export(user_id, job_id)  # Dramatiq delivered it again
        assert len(exports_of(user_id)) == 1
        assert account_export._job(job_id)["status"] == "ready"


def test_two_workers_running_it_at_once_build_one_export(queued_export):
    app, user_id, job_id = queued_export

    def run():
        with app.app_context():
            account_export.build_export(user_id, job_id)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with app.app_context():
        assert len(exports_of(user_id)) == 1 and account_export._job(job_id)["status"] == "ready"
