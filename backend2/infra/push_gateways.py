"""The configured push providers, by name ("fcm", "apns"); none when push is off."""
import logging
from types import SimpleNamespace

from config.push import apns_enabled, fcm_enabled, fcm_service_account, file_or_text

log = logging.getLogger(__name__)


class PushGateways:
    """`by_provider`: {provider: gateway} for each provider configured, bound by `create_app`."""

    by_provider = {}

    def init_app(self, app):
        config, settings = app.config, SimpleNamespace(**app.config)
        gateways = {}
        if fcm_enabled(settings):
            from backend2.infra.fcm import FcmGateway

            gateways["fcm"] = FcmGateway(fcm_service_account(settings), config["FCM_PROJECT_ID"],
                                         config["FCM_ENDPOINT"], config["PUSH_TIMEOUT_MS"])
        if apns_enabled(settings):
            from backend2.infra.apns import ApnsGateway

            gateways["apns"] = ApnsGateway(file_or_text(config["APNS_KEY"]), config["APNS_KEY_ID"],
                                           config["APNS_TEAM_ID"], config["APNS_TOPIC"], config["APNS_ENDPOINT"],
                                           config["PUSH_TIMEOUT_MS"])
        self.by_provider = gateways
        if gateways:
            log.info("Push notifications on: %s", ", ".join(sorted(gateways)))
        else:
            log.info("Push notifications are off: set FCM_CREDENTIALS and/or APNS_KEY (see .env.example)")

    @property
    def enabled(self):
        return bool(self.by_provider)

