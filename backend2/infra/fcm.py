"""Firebase Cloud Messaging, HTTP v1 API (httpx 0.28.1; OAuth2 by google-auth 2.63.0).

`POST {FCM_ENDPOINT}/v1/projects/{project}/messages:send` with a Bearer token that the
service account's key buys at its `token_uri`. Android shows `notification` itself while the
app is in the background; every push also carries `data` (strings only) for the Flutter
handler, and an `apns` block for iOS devices registered through FCM.
tests/system/test_push.py runs this against an FCM stand-in on 127.0.0.1.
"""
import functools
import threading
import time

import httpx

from backend2.infra.push_outcome import DEAD_TOKEN, FAILED, RETRY, SENT, Outcome, retry_after_seconds, transport_failure

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
VISIBLE = ("message", "message_update", "export_ready")  # the kinds Android shows by itself; the rest are data only


class FcmGateway:
    provider = "fcm"

    def __init__(self, service_account, project_id, endpoint, timeout_ms):
        from google.oauth2 import service_account as accounts

        self.credentials = accounts.Credentials.from_service_account_info(service_account, scopes=[SCOPE])
        self.url = f"{endpoint}/v1/projects/{project_id or service_account['project_id']}/messages:send"
        self.http = httpx.Client(http2=True, timeout=timeout_ms / 1000)  # many sends share a connection
        self.timeout = timeout_ms / 1000
        self._token_lock = threading.Lock()

    def _access_token(self, renew=False):
        with self._token_lock:
            if renew or not self.credentials.valid:
                import google.auth.transport.requests

                self.credentials.refresh(functools.partial(google.auth.transport.requests.Request(),
                                                           timeout=self.timeout))
            return self.credentials.token

    def send(self, registration, push):
        message = fcm_message(registration.token, push)
        try:
            response = self.http.post(self.url, json={"message": message},
                                      headers={"Authorization": f"Bearer {self._access_token()}"})
            if response.status_code == 401:  # the access token was revoked or expired early
                response = self.http.post(self.url, json={"message": message},
                                          headers={"Authorization": f"Bearer {self._access_token(renew=True)}"})
        except Exception as exc:  # no answer, or the token endpoint failed: both pass
            return transport_failure(exc)
        return _outcome(response, registration.token)


def fcm_message(token, push):
    """The `message` object of a send request for the provider-neutral `push`."""
    ttl = max(0, int(push["expiresAt"] - time.time()))
    data = {**push["data"], **({"badge": str(push["badge"])} if push.get("badge") is not None else {})}
    android = {"priority": "high" if push["urgent"] else "normal", "ttl": f"{ttl}s"}
    aps = {"badge": push["badge"]} if push.get("badge") is not None else {}
    apns_headers = {"apns-priority": "10" if push["urgent"] else "5", "apns-expiration": str(int(push["expiresAt"]))}
    if push.get("collapseId"):
        android["collapse_key"] = push["collapseId"]
        apns_headers["apns-collapse-id"] = push["collapseId"]
    message = {"token": token, "data": data, "android": android}
    if push["kind"] in VISIBLE and push.get("body"):
        message["notification"] = {"title": push.get("title") or "", "body": push["body"]}
        android["notification"] = {"tag": push.get("collapseId") or "", **(
            {"notification_count": push["badge"]} if push.get("badge") is not None else {})}
        aps["thread-id"] = push.get("threadId") or ""
    else:
        aps["content-available"] = 1
        apns_headers["apns-push-type"] = "background"
        apns_headers["apns-priority"] = "5"
    message["apns"] = {"headers": apns_headers, "payload": {"aps": aps}}
    return message


def _outcome(response, token):
    if response.status_code == 200:
        return Outcome(SENT)
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    codes = {detail.get("errorCode") for detail in error.get("details", []) if isinstance(detail, dict)}
    reason = "/".join(filter(None, [error.get("status"), *sorted(filter(None, codes)), error.get("message")]))
    reason = reason or f"HTTP {response.status_code}"
    status = response.status_code
    bad_token = status == 400 and "registration token" in str(error.get("message"))
    if status == 404 or "UNREGISTERED" in codes or bad_token:
        return Outcome(DEAD_TOKEN, reason, token=token)
    if status in (429, 500, 502, 503, 504) or "QUOTA_EXCEEDED" in codes or "UNAVAILABLE" in codes:
        return Outcome(RETRY, reason, retry_after_seconds(response.headers), outage=status >= 500)
    if status == 401:
        return Outcome(RETRY, reason)
    return Outcome(FAILED, reason)
