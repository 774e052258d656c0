"""Stand-ins for the push providers, on 127.0.0.1, speaking their real protocols:

- `FcmStandIn`: FCM HTTP v1's send endpoint and the OAuth2 token endpoint of a service account
  (HTTP/1.1); it checks the JWT assertion against the service account's public key and the
  Bearer token on every send.
- `ApnsStandIn`: APNs over HTTP/2 with TLS (hypercorn, a trustme certificate); it checks the
  ES256 provider token against the .p8 key's public half.

Both record every request they accept and can be told that a token is dead or that they are
down (503 with Retry-After) for a while.
"""
import asyncio
import json
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import trustme
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from support.servers import free_port


def _pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


class _Recorder:
    """What a stand-in accepted, and how it is told to fail."""

    def __init__(self):
        self.requests = []
        self.dead_tokens = set()
        self.down_until = 0.0
        self.refused = 0
        self.lock = threading.Lock()

    def down_for(self, seconds):
        self.down_until = time.time() + seconds

    def is_down(self):
        if time.time() < self.down_until:
            with self.lock:
                self.refused += 1
            return True
        return False

    def record(self, entry):
        with self.lock:
            self.requests.append(entry)

    def wait_for(self, match=lambda r: True, count=1, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [r for r in list(self.requests) if match(r)]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{count} matching push(es) expected; got {[r for r in self.requests if match(r)]}")

    def matching(self, match):
        return [r for r in list(self.requests) if match(r)]

    def reset(self):
        """Forget what was received, and work again."""
        with self.lock:
            self.requests.clear()
        self.dead_tokens.clear()
        self.down_until, self.refused = 0, 0


class FcmStandIn(_Recorder):
    PROJECT = "backend2-test"

    def __init__(self):
        super().__init__()
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key = key.public_key()
        self.access_tokens = set()
        self.token_requests = 0
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once, as a real server's do

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/token":
                    self._reply(*stand_in.grant(body))
                elif self.path == f"/v1/projects/{FcmStandIn.PROJECT}/messages:send":
                    self._reply(*stand_in.send(self.headers.get("Authorization", ""), json.loads(body)))
                else:
                    self._reply(404, {"error": {"code": 404, "status": "NOT_FOUND", "message": self.path}})

            def _reply(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", "Content-Length": str(len(data)),
                                    **(headers or {})}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.service_account = {
            "type": "service_account", "project_id": self.PROJECT, "private_key_id": uuid.uuid4().hex,
            "private_key": _pem(key), "client_email": f"push@{self.PROJECT}.iam.gserviceaccount.com",
            "client_id": "1234567890", "token_uri": f"{self.url}/token",
        }
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def settings(self):
        return {"FCM_CREDENTIALS": json.dumps(self.service_account), "FCM_ENDPOINT": self.url}

    def grant(self, body):
        """The OAuth2 JWT-bearer grant: the assertion must be signed by the service account (its
        audience is Google's token endpoint, whatever `token_uri` says)."""
        form = urllib.parse.parse_qs(body.decode())
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"], form
        claims = jwt.decode(form["assertion"][0], self.public_key, algorithms=["RS256"],
                            audience="https://oauth2.googleapis.com/token")
        assert claims["iss"] == self.service_account["client_email"], claims
        assert "https://www.googleapis.com/auth/firebase.messaging" in claims["scope"].split(), claims
        token = f"ya29.{uuid.uuid4().hex}"
        self.access_tokens.add(token)
        self.token_requests += 1
        return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    def send(self, authorization, body):
        if not authorization.startswith("Bearer ") or authorization[7:] not in self.access_tokens:
            return 401, {"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "Bad access token"}}
        if self.is_down():
            return 503, {"error": {"code": 503, "status": "UNAVAILABLE", "message": "Try later"}}, {"Retry-After": "1"}
        message = body["message"]
        if message["token"] in self.dead_tokens:
            return 404, {"error": {"code": 404, "status": "NOT_FOUND", "message": "Requested entity was not found.",
                                   "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                                "errorCode": "UNREGISTERED"}]}}
        self.record({"token": message["token"], "message": message, "data": message.get("data", {}),
                     "at": time.time()})
        return 200, {"name": f"projects/{self.PROJECT}/messages/{uuid.uuid4().hex}"}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class ApnsStandIn(_Recorder):
    TEAM_ID, KEY_ID, TOPIC = "TEAM123456", "KEY1234567", "com.example.chat"

    def __init__(self, folder):
        super().__init__()
        key = ec.generate_private_key(ec.SECP256R1())
        self.key_pem, self.public_key = _pem(key), key.public_key()
        ca = trustme.CA()
        self.ca_file, cert_file = folder / "apns-ca.pem", folder / "apns-cert.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(cert_file))
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self._stop = None
        ready = threading.Event()
        threading.Thread(target=asyncio.run, args=(self._serve(cert_file, ready),), daemon=True).start()
        assert ready.wait(10), "the APNs stand-in did not start"

    async def _serve(self, cert_file, ready):
        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        config = Config()
        config.bind = [f"127.0.0.1:{self.port}"]
        config.certfile = config.keyfile = str(cert_file)
        config.alpn_protocols = ["h2"]
        config.loglevel = "WARNING"
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        ready.set()
        await serve(self._app, config, shutdown_trigger=self._stop.wait)

    def settings(self):
        return {"APNS_KEY": self.key_pem, "APNS_KEY_ID": self.KEY_ID, "APNS_TEAM_ID": self.TEAM_ID,
                "APNS_TOPIC": self.TOPIC, "APNS_ENDPOINT": self.url, "SSL_CERT_FILE": str(self.ca_file)}

    async def _app(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        status, payload, extra = self.answer(scope, headers, body)
        data = json.dumps(payload).encode() if payload is not None else b""
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in {"apns-id": str(uuid.uuid4()), **extra}.items()]})
        await send({"type": "http.response.body", "body": data})

    def answer(self, scope, headers, body):
        assert scope["http_version"] == "2", scope["http_version"]
        assert scope["method"] == "POST" and scope["path"].startswith("/3/device/"), scope["path"]
        token = scope["path"].removeprefix("/3/device/")
        bearer = headers.get("authorization", "").removeprefix("bearer ")
        try:
            claims = jwt.decode(bearer, self.public_key, algorithms=["ES256"])
            assert jwt.get_unverified_header(bearer)["kid"] == self.KEY_ID and claims["iss"] == self.TEAM_ID
        except (jwt.PyJWTError, AssertionError, KeyError):
            return 403, {"reason": "InvalidProviderToken"}, {}
        if self.is_down():
            return 503, {"reason": "ServiceUnavailable"}, {"retry-after": "1"}
        if token in self.dead_tokens:
            return 410, {"reason": "Unregistered", "timestamp": int(time.time() * 1000)}, {}
        self.record({"token": token, "headers": headers, "payload": json.loads(body)})
        return 200, None, {}

    def close(self):
        self._loop.call_soon_threadsafe(self._stop.set)
