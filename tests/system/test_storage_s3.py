"""STORAGE_BACKEND=s3 over real HTTP against an S3-compatible server on 127.0.0.1: files in the
bucket, private, fetched through short-lived links, kept across restarts and shared by
processes; a storage service that fails is a quick 503 that leaves nothing half stored."""
import io
import sys
import time
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from PIL import Image

from backend2.models import Upload
from backend2.services.media import file_store
from support.people import Person, register_on
from support.s3 import CREDENTIALS, FailingUploads, S3StandIn
from support.servers import Cluster, LiveServer, WorkerProcess, free_port
from support.waiting import eventually

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def s3():
    server = S3StandIn()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3, monkeypatch):
    """The stand-in's bucket, empty; boto3 in this process finds its credentials as on a platform."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    s3.empty()
    return s3


def key(url):
    """The object key of a file link (plain or signed)."""
    return url.split("?")[0].rsplit("/", 1)[1]


def upload(client, who, data, name):
    return client.post("/uploads", headers=who.headers, data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_uploads_go_to_the_bucket_privately_and_are_fetched_through_a_short_lived_link(bucket, make_app, otp_inbox,
                                                                                       tmp_path):
    app = make_app(use_redis=False, **bucket.settings(UPLOAD_URL_TTL_SECONDS=120))
    client = app.test_client()
    ada = Person(register_on(client, otp_inbox))
    image = upload(client, ada, png(), "photo.png").get_json()
    document = upload(client, ada, PDF, "report.pdf").get_json()
    names = {key(url) for url in (image["url"], image["thumbnailUrl"], document["url"])}
    assert bucket.keys() == names
    head = bucket.client.head_object(Bucket=bucket.bucket, Key=key(document["url"]))
    assert (head["ContentType"], head["ContentDisposition"]) == ("application/pdf", "attachment")
    acl = bucket.client.get_object_acl(Bucket=bucket.bucket, Key=key(image["url"]))
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner only: no public ACL
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())

    fetched = client.get(image["url"])
    assert fetched.status_code == 302 and fetched.headers["Cache-Control"] == "private, no-store"
    link = fetched.headers["Location"]
    assert parse_qs(urlsplit(link).query)["X-Amz-Expires"] == ["120"]
    stored = requests.get(link, timeout=10)
    assert stored.status_code == 200 and stored.headers["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(stored.content)) as decoded:
        assert decoded.size == (image["width"], image["height"])
    assert client.get("/uploads/AAAAAAAAAAAAAAAAAAAAAAAA.png", headers=ada.headers).status_code == 404


@pytest.mark.redis
def test_files_survive_a_restart_and_two_processes_share_the_bucket(s3, module_webhook):
    s3.empty()
    settings = s3.settings()
    cluster = Cluster(module_webhook, **settings)
    try:
        first, second = cluster.servers
        ada = first.register()
        sent = requests.post(f"{first.base}/uploads", headers=ada.headers, files={"file": ("a.png", png())}, timeout=10)
        assert sent.status_code == 201, sent.text
        url = sent.json()["url"]
        original = requests.get(f"{first.base}{url}", timeout=10).content
        assert requests.get(f"{second.base}{url}", timeout=10).content == original  # the other process
        first.stop()
        restarted = LiveServer(f"{sys.executable} wsgi.py", MONGODB_URI=cluster.uri, **settings)
        try:
            assert requests.get(f"{restarted.base}{url}", timeout=10).content == original
        finally:
            restarted.stop()
    finally:
        cluster.close()


def test_a_storage_service_that_does_not_answer_is_a_quick_503_and_nothing_is_recorded(bucket, make_app, otp_inbox):
    closed = f"http://127.0.0.1:{free_port()}"
    app = make_app(use_redis=False, **bucket.settings(url=closed, S3_TIMEOUT_MS=500))
    client = app.test_client()
    ada = Person(register_on(client, otp_inbox))
    started = time.monotonic()
    for path, name in (("/uploads", "photo.png"), ("/users/me/avatar", "me.png")):
        refused = client.post(path, headers=ada.headers, data={"file": (io.BytesIO(png()), name)},
                              content_type="multipart/form-data")
        assert (refused.status_code, refused.get_json()["code"]) == (503, "storage_unavailable")
    assert time.monotonic() - started < 10
    with app.app_context():
        assert Upload.objects.count() == 0
    assert client.get("/users/me", headers=ada.headers).get_json()["avatar"] is None


def test_a_failure_midway_leaves_nothing_half_stored(bucket, make_app, otp_inbox):
    proxy = FailingUploads(bucket.url, allowed=1)  # the image goes in, its thumbnail does not
    try:
        app = make_app(use_redis=False, **bucket.settings(url=proxy.url))
        client = app.test_client()
        ada = Person(register_on(client, otp_inbox))
        refused = upload(client, ada, png(), "photo.png")
        assert (refused.status_code, refused.get_json()["code"]) == (503, "storage_unavailable")
        assert bucket.keys() == set() and proxy.puts >= 2
        with app.app_context():
            assert Upload.objects.count() == 0
        proxy.allowed = 100
        assert upload(client, ada, png(), "photo.png").status_code == 201
        assert len(bucket.keys()) == 2
    finally:
        proxy.stop()


def test_an_existing_deployment_moves_its_files_to_the_bucket(bucket, make_app, otp_inbox, tmp_path):
    local = make_app(use_redis=False).test_client()  # STORAGE_BACKEND=local, as the deployment runs now
    ada = Person(register_on(local, otp_inbox))
    image = upload(local, ada, png(), "photo.png").get_json()
    document = upload(local, ada, PDF, "report.pdf").get_json()
    (tmp_path / "uploads" / "notes.txt").write_text("not a file Backend2 stored")
    names = {key(url) for url in (image["url"], image["thumbnailUrl"], document["url"])}
    runner = make_app(use_redis=False, **bucket.settings(STORAGE_BACKEND="local")).test_cli_runner()

    dry = runner.invoke(args=["storage", "migrate", "--to", "s3", "--dry-run"])
    assert dry.exit_code == 0 and "would copy 3 files" in dry.output and bucket.keys() == set()
    first = runner.invoke(args=["storage", "migrate", "--to", "s3"])
    assert first.exit_code == 0 and "copied 3 files" in first.output and "1 not Backend2's" in first.output
    assert bucket.keys() == names
    head = bucket.client.head_object(Bucket=bucket.bucket, Key=key(document["url"]))
    assert (head["ContentType"], head["ContentDisposition"]) == ("application/pdf", "attachment")
    again = runner.invoke(args=["storage", "migrate", "--to", "s3"])
    assert again.exit_code == 0 and "copied 0 files" in again.output and "3 already there" in again.output

    moved = make_app(use_redis=False, **bucket.settings()).test_client().get(image["url"])
    assert moved.status_code == 302
    stored = requests.get(moved.headers["Location"], timeout=10).content
    assert stored == (tmp_path / "uploads" / key(image["url"])).read_bytes()


@pytest.mark.redis
def test_a_migration_queued_by_the_command_is_done_by_a_worker(bucket, make_app, otp_inbox, tmp_path, redis_client):
    local = make_app(use_redis=False).test_client()
    ada = Person(register_on(local, otp_inbox))
    document = upload(local, ada, PDF, "report.pdf").get_json()
    settings = bucket.settings(STORAGE_BACKEND="local", UPLOAD_DIR=tmp_path / "uploads")
    queued = make_app(use_redis=True, **settings).test_cli_runner().invoke(
        args=["storage", "migrate", "--to", "s3", "--queue"])
    assert queued.exit_code == 0 and "queued for a worker (job migrate_storage)" in queued.output
    assert bucket.keys() == set()  # the command only queued it

    worker = WorkerProcess(**settings)
    try:
        eventually(lambda: bucket.keys() == {key(document["url"])}, timeout=30)
        eventually(lambda: "Storage migration to s3: copied 1 files" in worker.log_tail(10**6))
    finally:
        assert worker.stop()


def test_a_deleted_accounts_files_go_however_many_in_calls_the_bucket_takes(bucket, make_app):
    """The job remove_files against S3's limit of 1,000 keys per DeleteObjects (which the proxy
    enforces, as AWS does)."""
    proxy = FailingUploads(bucket.url)
    try:
        names = [f"{n:024x}.bin" for n in range(1001)]
        for name in names:
            bucket.client.put_object(Bucket=bucket.bucket, Key=name, Body=b"x")
        app = make_app(use_redis=False, **bucket.settings(proxy.url))
        with app.app_context():
            file_store.remove_files(names)
        assert bucket.keys() == set()
    finally:
        proxy.stop()


def test_an_export_carries_the_files_kept_in_the_bucket(bucket, make_app, otp_inbox):
    client = make_app(use_redis=False, **bucket.settings()).test_client()
    ada = Person(register_on(client, otp_inbox))
    document = upload(client, ada, PDF, "report.pdf").get_json()
    response = client.get("/users/me/export", headers=ada.headers)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.read(f"files/{key(document['url'])}") == PDF
