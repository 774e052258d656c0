"""The webhook sender POSTs {phone, code, purpose} to OTP_WEBHOOK_URL, where SMS is wired in."""
from support.people import next_phone


def test_codes_are_posted_to_the_webhook_and_work(make_app, otp_webhook):
    client = make_app(use_redis=False, OTP_SENDER="webhook", OTP_WEBHOOK_URL=otp_webhook.url).test_client()
    phone = next_phone()
    assert client.post("/auth/send-otp", json={"phone": phone}).status_code == 200
    message = otp_webhook.received[-1]
    assert set(message) == {"phone", "code", "purpose"}
    assert message["phone"] == phone and message["purpose"] == "register"
    assert len(message["code"]) == 6 and message["code"].isdigit()
    response = client.post("/auth/verify-otp-register", json={"phone": phone, "otp": message["code"], "name": "W"})
    assert response.status_code == 201


def test_failed_delivery_is_502_and_the_user_may_retry_at_once(make_app, otp_webhook):
    client = make_app(use_redis=False, OTP_SENDER="webhook", OTP_WEBHOOK_URL=otp_webhook.url).test_client()
    phone = next_phone()
    otp_webhook.fail = True
    failed = client.post("/auth/send-otp", json={"phone": phone})
    assert failed.status_code == 502
    assert failed.get_json()["code"] == "otp_delivery_failed"
    otp_webhook.fail = False
    assert client.post("/auth/send-otp", json={"phone": phone}).status_code == 200


def test_unreachable_webhook_is_502(make_app):
    client = make_app(use_redis=False, OTP_SENDER="webhook", OTP_WEBHOOK_URL="http://127.0.0.1:9/otp").test_client()
    assert client.post("/auth/send-otp", json={"phone": next_phone()}).status_code == 502
