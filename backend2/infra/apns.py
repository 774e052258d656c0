"""Apple Push Notification service over HTTP/2 with a token-based (.p8) key (httpx 0.28.1 with
h2 4.4.1; the ES256 provider token by PyJWT 2.15.1).

`POST {APNS_ENDPOINT}/3/device/{token}` with `authorization: bearer <provider token>`,
`apns-topic` (the bundle id; `<bundle>.voip` for VoIP pushes), `apns-push-type`,
`apns-priority`, `apns-expiration` and, to replace an earlier notification, `apns-collapse-id`.
The provider token is renewed every 50 minutes (Apple refuses one older than an hour) and at
once when Apple calls it expired. tests/system/test_push.py runs this against an HTTP/2 TLS
stand-in on 127.0.0.1.
"""
import threading
import time

import httpx
import jwt

from backend2.infra.push_outcome import DEAD_TOKEN, FAILED, RETRY, SENT, Outcome, retry_after_seconds, transport_failure

TOKEN_LIFETIME_SECONDS = 50 * 60
DEAD_REASONS = {"BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered"}
STALE_TOKEN_REASONS = {"ExpiredProviderToken", "InvalidProviderToken"}


class ApnsGateway:
    provider = "apns"

    def __init__(self, key_pem, key_id, team_id, topic, endpoint, timeout_ms):
        self.key_pem, self.key_id, self.team_id, self.topic = key_pem, key_id, team_id, topic
        self.endpoint = endpoint
        self.http = httpx.Client(http2=True, timeout=timeout_ms / 1000)
        self._token, self._token_at = None, 0.0
        self._token_lock = threading.Lock()

    def _provider_token(self, renew=False):
        with self._token_lock:
            if renew or self._token is None or time.time() - self._token_at > TOKEN_LIFETIME_SECONDS:
                self._token_at = time.time()
                self._token = jwt.encode({"iss": self.team_id, "iat": int(self._token_at)}, self.key_pem,
                                         algorithm="ES256", headers={"kid": self.key_id})
            return self._token

    def send(self, registration, push):
        voip = push["kind"] in ("call", "call_ended") and bool(registration.voip_token)
        token = registration.voip_token if voip else registration.token
        headers, payload = apns_request(push, self.topic, voip)
        try:
            response = self._post(token, headers, payload, self._provider_token())
            if response.status_code == 403 and _reason(response) in STALE_TOKEN_REASONS:
                response = self._post(token, headers, payload, self._provider_token(renew=True))
        except Exception as exc:
            return transport_failure(exc)
        return _outcome(response, token)

    def _post(self, token, headers, payload, provider_token):
        return self.http.post(f"{self.endpoint}/3/device/{token}", json=payload,
                              headers={**headers, "authorization": f"bearer {provider_token}"})


def apns_request(push, topic, voip):
    """(headers, payload) for the provider-neutral `push`; `voip` sends it to the VoIP token."""
    data, kind = push["data"], push["kind"]
    headers = {"apns-topic": topic, "apns-expiration": str(int(push["expiresAt"])),
               "apns-priority": "10" if push["urgent"] else "5"}
    if push.get("collapseId"):
        headers["apns-collapse-id"] = push["collapseId"][:64]
    if voip:
        headers.update({"apns-topic": f"{topic}.voip", "apns-push-type": "voip", "apns-priority": "10"})
        return headers, {**data, "aps": {}}
    aps = {}
    if push.get("badge") is not None:
        aps["badge"] = push["badge"]
    if push.get("body"):  # shown: a message, its edit or withdrawal, a call on a device without VoIP
        aps["alert"] = {"title": push.get("title") or "", "body": push["body"]}
        aps["thread-id"] = push.get("threadId") or ""
        if kind in ("message", "call"):
            aps["sound"] = "default"
        aps["mutable-content"] = 1
    headers["apns-push-type"] = "alert"  # a badge alone is an alert without alert, sound or banner
    return headers, {**data, "aps": aps}


def _reason(response):
    try:
        return response.json().get("reason", "")
    except ValueError:
        return ""


def _outcome(response, token):
    status, reason = response.status_code, _reason(response) or f"HTTP {response.status_code}"
    if status == 200:
        return Outcome(SENT)
    if status == 410 or reason in DEAD_REASONS:
        return Outcome(DEAD_TOKEN, reason, token=token)
    if status in (429, 500, 503) or reason in STALE_TOKEN_REASONS:
        return Outcome(RETRY, reason, retry_after_seconds(response.headers), outage=status >= 500)
    return Outcome(FAILED, reason)
