"""Sync cursors: opaque, round-trip exactly, and anything else is no cursor at all."""
from datetime import datetime, timezone

from bson import ObjectId

from backend2.utils.cursors import LAST_ID, decode_cursor, encode_cursor


def test_a_cursor_comes_back_as_the_position_it_was_made_from():
    moment, oid = datetime(2026, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc), ObjectId()
    cursor = encode_cursor(moment, oid)
    assert decode_cursor(cursor) == (moment, oid)
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")  # URL-safe, no padding


def test_positions_are_kept_to_the_millisecond_as_mongodb_stores_them():
    moment = datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
    assert decode_cursor(encode_cursor(moment, LAST_ID))[0] == moment.replace(microsecond=123000)


def test_last_id_sorts_after_every_real_id():
    assert all(ObjectId() < LAST_ID for _ in range(100))


def test_anything_that_is_not_a_cursor_of_ours_reads_as_none():
    for value in (None, 42, "", "not-a-cursor", "x" * 65, "MTIzNDU", encode_cursor(datetime.now(timezone.utc),
                                                                                    LAST_ID)[:-3] + "!!!",
                  "bm90LWEtbnVtYmVyLjY1ZjFjMDAwMDAwMDAwMDAwMDAwMDAwMA", "OTk5OTk5OTk5OTk5OTk5OTkuNjVmMWMw"):
        assert decode_cursor(value) is None, value
