"""Field validators shared by the auth and profile schemas."""
from flask import current_app
from marshmallow import ValidationError

from backend2.utils.passwords import BCRYPT_MAX_BYTES


def validate_password(value):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(value) < minimum:
        raise ValidationError(f"Must be at least {minimum} characters")
    if len(value.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise ValidationError(f"Must be at most {BCRYPT_MAX_BYTES} bytes")
