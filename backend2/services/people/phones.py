"""Turns what a client typed into the E.164 number we store."""
from flask import current_app

from backend2.errors import Codes, ValidationFailed
from backend2.utils.phone import to_e164


def normalize_phone(raw, region=None, field="phone"):
    """E.164 for `raw`, read in `region` (default DEFAULT_REGION); 400 when invalid."""
    config = current_app.config
    e164 = to_e164(raw, region or config["DEFAULT_REGION"], always_accept=config["OTP_TEST_CODES"])
    if e164 is None:
        raise ValidationFailed(
            "Invalid phone number", code=Codes.INVALID_PHONE, details={field: ["Not a valid phone number"]}
        )
    return e164
