"""Files in an S3-compatible bucket (boto3 1.44.8): STORAGE_BACKEND=s3 (backend2/infra/storage.py
says how both backends behave)."""
import boto3
from boto3.exceptions import S3UploadFailedError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from backend2.errors import Codes, ServiceUnavailable
from backend2.infra import metrics

DELETE_BATCH = 1000


def _unavailable(exc):
    metrics.storage_errors.inc()
    return ServiceUnavailable(f"File storage is unavailable; try again shortly ({type(exc).__name__})",
                              code=Codes.STORAGE_UNAVAILABLE)


class S3Storage:
    def __init__(self, bucket, region, endpoint_url, prefix, timeout_ms):
        self.bucket, self.prefix = bucket, prefix
        seconds = timeout_ms / 1000
        self.client = boto3.client(
            "s3", region_name=region or None, endpoint_url=endpoint_url or None,
            config=Config(connect_timeout=seconds, read_timeout=seconds, signature_version="s3v4",
                          retries={"mode": "standard", "max_attempts": 2}))

    def _key(self, name):
        return f"{self.prefix}{name}"

    def put(self, name, data, content_type, download):
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data, ContentType=content_type,
                                   ContentDisposition="attachment" if download else "inline")
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def put_file(self, name, path, content_type, download):
        """From a file on disk, in parts (multipart upload past 8 MB): memory stays small."""
        try:
            self.client.upload_file(str(path), self.bucket, self._key(name), ExtraArgs={
                "ContentType": content_type, "ContentDisposition": "attachment" if download else "inline"})
        except (BotoCoreError, ClientError, S3UploadFailedError) as exc:
            raise _unavailable(exc) from exc

    def read(self, name):
        return self.open(name).read()

    def open(self, name):
        """The object's body, to read in chunks."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc

    def delete(self, names):
        """Deleted in calls of DELETE_BATCH, the most one DeleteObjects takes."""
        for start in range(0, len(names), DELETE_BATCH):
            try:
                self.client.delete_objects(Bucket=self.bucket, Delete={
                    "Objects": [{"Key": self._key(name)} for name in names[start:start + DELETE_BATCH]],
                    "Quiet": True})
            except (BotoCoreError, ClientError) as exc:
                raise _unavailable(exc) from exc

    def exists(self, name):
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc

    def sizes(self):
        """{name: size} of every object under S3_PREFIX, listed a thousand at a time."""
        found = {}
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
                found.update((item["Key"][len(self.prefix):], item["Size"]) for item in page.get("Contents", []))
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable(exc) from exc
        return found

    def presigned_url(self, name, ttl_seconds):
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._key(name)}, ExpiresIn=int(ttl_seconds))
