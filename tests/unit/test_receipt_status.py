"""A sender's `status` from the other participants' cursors: read by all, else delivered to
all, else sent."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from bson import ObjectId

from backend2.services.conversations.receipts import status_of

SENT = datetime(2026, 5, 6, 12, 0, tzinfo=timezone.utc)
ME, ADA, BO = ObjectId(), ObjectId(), ObjectId()


def conversation(delivered=None, read=None, participants=(ME, ADA, BO)):
    return SimpleNamespace(participants=list(participants), delivered_up_to=delivered or {}, read_up_to=read or {})


def message(sender=ME, at=SENT):
    return SimpleNamespace(sender=sender, created_at=at.replace(tzinfo=None))  # as pymongo returns it


def test_sent_until_every_other_participant_has_it():
    assert status_of(message(), conversation()) == "sent"
    assert status_of(message(), conversation(delivered={str(ADA): SENT})) == "sent"


def test_delivered_once_every_other_participant_has_it():
    assert status_of(message(), conversation(delivered={str(ADA): SENT, str(BO): SENT + timedelta(hours=1)})) == \
        "delivered"


def test_read_only_when_everyone_else_read_it():
    both_got_it = {str(ADA): SENT, str(BO): SENT}
    assert status_of(message(), conversation(both_got_it, read={str(ADA): SENT})) == "delivered"
    assert status_of(message(), conversation(both_got_it, read={str(ADA): SENT, str(BO): SENT})) == "read"


def test_a_cursor_before_the_message_does_not_cover_it():
    before = SENT - timedelta(milliseconds=1)
    assert status_of(message(), conversation(read={str(ADA): before, str(BO): before})) == "sent"


def test_the_senders_own_cursor_does_not_count_and_alone_it_is_sent():
    assert status_of(message(), conversation(read={str(ME): SENT}, participants=(ME, ADA))) == "sent"
    assert status_of(message(), conversation(participants=(ME,))) == "sent"
