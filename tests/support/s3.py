"""S3-compatible servers on 127.0.0.1 for the storage tests: moto's, and a proxy in front of it
that fails every upload after the first few, as a storage service failing mid-request does."""
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class S3StandIn:
    """moto's S3 server with one empty bucket."""

    def __init__(self, bucket="backend2-media"):
        from moto.server import ThreadedMotoServer
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url, self.bucket = f"http://{host}:{port}", bucket
        self.client = boto3.client("s3", endpoint_url=self.url, region_name="us-east-1",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")
        self.client.create_bucket(Bucket=bucket)

    def settings(self, url=None, **extra):
        """What a Backend2 process needs to use this bucket (or to reach it at `url`)."""
        return {"STORAGE_BACKEND": "s3", "S3_BUCKET": self.bucket, "S3_ENDPOINT_URL": url or self.url,
                "S3_REGION": "us-east-1", "S3_TIMEOUT_MS": "1500", **CREDENTIALS,
                **{key: str(value) for key, value in extra.items()}}

    def keys(self):
        return {item["Key"] for item in self.client.list_objects_v2(Bucket=self.bucket).get("Contents", [])}

    def empty(self):
        for key in self.keys():
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def stop(self):
        self.server.stop()


class FailingUploads:
    """A proxy to `target` that answers 500 to every PUT after the first `allowed` ones (None:
    none fails), and, as AWS S3 does and moto does not, refuses a DeleteObjects of more than
    1,000 keys with MalformedXML."""

    def __init__(self, target, allowed=None):
        self.allowed, self.puts = allowed, 0
        proxy = self
        host, port = target.removeprefix("http://").split(":")

        class Handler(BaseHTTPRequestHandler):
            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "PUT":
                    proxy.puts += 1
                    if proxy.allowed is not None and proxy.puts > proxy.allowed:
                        return self._error(500, b"InternalError", b"failing on purpose")
                if self.command == "POST" and "delete" in self.path and body.count(b"<Key>") > 1000:
                    return self._error(400, b"MalformedXML", b"more than 1000 keys in one DeleteObjects")
                upstream = http.client.HTTPConnection(host, int(port), timeout=10)
                upstream.request(self.command, self.path, body, dict(self.headers))
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status, code, message):
                error = b"<Error><Code>" + code + b"</Code><Message>" + message + b"</Message></Error>"
                self.send_response(status)
                self.send_header("Content-Length", str(len(error)))
                self.end_headers()
                self.wfile.write(error)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
