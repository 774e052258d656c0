"""Where stored files live: a local folder, or any S3-compatible bucket (boto3 1.44.8).

`STORAGE_BACKEND=local` keeps files in UPLOAD_DIR and the server streams them.
`STORAGE_BACKEND=s3` keeps them in S3_BUCKET (under S3_PREFIX) of AWS S3, R2, MinIO,
Backblaze… (S3_ENDPOINT_URL for the non-AWS ones), private (no ACL is set), each with its real
Content-Type and, for downloads, Content-Disposition; the server answers a fetch with a
presigned GET that lasts UPLOAD_URL_TTL_SECONDS. Credentials come the standard AWS way
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the platform's role).

A storage service that fails or does not answer within S3_TIMEOUT_MS is a 503
`storage_unavailable` (one retry at most), never a hang. tests/system/test_storage_s3.py runs
this against an S3-compatible server on 127.0.0.1. The bucket is backend2/infra/s3_storage.py.
"""
import shutil
from pathlib import Path


class LocalStorage:
    def __init__(self, folder):
        self.folder = Path(folder)

    def put(self, name, data, content_type, download):
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_bytes(data)

    def put_file(self, name, path, content_type, download):
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, self.folder / name)

    def open(self, name):
        return (self.folder / name).open("rb")

    def delete(self, names):
        for name in names:
            (self.folder / name).unlink(missing_ok=True)

    def exists(self, name):
        return (self.folder / name).is_file()

    def presigned_url(self, name, ttl_seconds):
        """None: the server streams a local file itself."""
        return None

    def sizes(self):
        """{name: size} of every file stored here."""
        if not self.folder.is_dir():
            return {}
        return {path.name: path.stat().st_size for path in self.folder.iterdir() if path.is_file()}

    def read(self, name):
        return (self.folder / name).read_bytes()


def s3_storage(config):
    """The bucket's storage; boto3 is imported only by processes that use it (it costs ~20 MB)."""
    from backend2.infra.s3_storage import S3Storage
    return S3Storage(config["S3_BUCKET"], config["S3_REGION"], config["S3_ENDPOINT_URL"], config["S3_PREFIX"],
                     config["S3_TIMEOUT_MS"])


class StorageHolder:
    """`backend`: the configured storage, bound by `create_app`."""

    backend = None

    def init_app(self, app):
        config = app.config
        self.backend = s3_storage(config) if config["STORAGE_BACKEND"] == "s3" else LocalStorage(config["UPLOAD_DIR"])
