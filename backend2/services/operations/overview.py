"""The console's overview: open reports and their age, messages in the last hour, connected
devices and the push queue, from what /health and /metrics already know."""
from datetime import timedelta

from bson import ObjectId

from backend2.infra import metrics
from backend2.models import Message, Report
from backend2.services.accounts.moderation import moderator
from backend2.services.operations.health import health_report
from backend2.utils.time import as_utc, utcnow


def overview(user):
    moderator(user)
    now = utcnow()
    oldest = Report.objects(status="open").order_by("created_at").only("created_at").first()
    health = health_report()
    # An id holds the second it was made: the last hour's messages are a range of the _id index.
    hour_ago = ObjectId.from_datetime(now - timedelta(hours=1))
    return {
        "open_reports": Report.objects(status="open").count(),
        "oldest_open_age": now - as_utc(oldest.created_at) if oldest else None,
        "messages_last_hour": Message.objects(id__gte=hour_ago).count(),
        "connected_devices": metrics.REGISTRY.get_sample_value("backend2_sockets_connected") or 0,
        "push_queue": health["push"].get("queued"),
        "health": health,
    }
