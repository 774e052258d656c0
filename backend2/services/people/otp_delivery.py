"""Delivers one-time codes through the sender named by OTP_SENDER."""
import logging

import requests
from flask import current_app

from backend2.errors import BadGateway, Codes

log = logging.getLogger(__name__)


def send_to_console(phone, code, purpose):
    log.warning("OTP for %s (%s): %s", phone, purpose, code)


def send_to_webhook(phone, code, purpose):
    """POST {phone, code, purpose} to OTP_WEBHOOK_URL, where an SMS provider is wired in."""
    config = current_app.config
    try:
        response = requests.post(
            config["OTP_WEBHOOK_URL"],
            json={"phone": phone, "code": code, "purpose": purpose},
            timeout=config["OTP_WEBHOOK_TIMEOUT_SECONDS"],
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        log.error("OTP webhook failed for %s: %s", phone, exc)
        raise BadGateway("The code could not be delivered; try again", code=Codes.OTP_DELIVERY_FAILED)


SENDERS = {"console": send_to_console, "webhook": send_to_webhook}


def deliver_code(phone, code, purpose):
    SENDERS[current_app.config["OTP_SENDER"]](phone, code, purpose)
