"""The indexed embedded database answers exactly as mongomock does, without scanning."""
import random
from datetime import datetime, timedelta, timezone
import re

from bson import ObjectId
from mongomock import MongoClient
from pymongo import WriteConcern
from pymongo.errors import DuplicateKeyError

from backend2.infra.embedded_mongo import IndexedMongoClient


def moment(step):
    """Microseconds included: stored at millisecond precision, so equality must round alike."""
    return datetime(2026, 1, 1) + timedelta(microseconds=step * 1337)


def apply(collection, operation):
    kind, args = operation
    try:
        getattr(collection, kind)(*args)
        return "ok"
    except DuplicateKeyError:
        return "duplicate"


def test_random_writes_and_queries_match_mongomock():
    rng = random.Random(7)
    users = [ObjectId() for _ in range(6)]
    plain, indexed = MongoClient()["t"]["c"], IndexedMongoClient()["t"]["c"]
    for collection in (plain, indexed):
        collection.create_index([("conversation", 1), ("createdAt", 1)])
        collection.create_index([("sender", 1), ("clientId", 1)], unique=True,
                                partialFilterExpression={"clientId": {"$type": "string"}})
        collection.create_index([("members", 1)])
        collection.create_index([("name", 1)])
    ids = [ObjectId() for _ in range(40)]
    for step in range(600):
        target = rng.choice(ids)
        choice = rng.random()
        if choice < 0.35:
            document = {"_id": target, "conversation": rng.randrange(4), "sender": rng.choice(users),
                        "createdAt": moment(step), "members": rng.sample(users, 2), "name": rng.choice(["Ada", "Bo", "ada b"])}
            if rng.random() < 0.5:
                document["clientId"] = f"c{rng.randrange(8)}"
            operation = ("insert_one", (document,))
        elif choice < 0.6:
            operation = ("update_one", ({"_id": target}, {"$set": {"conversation": rng.randrange(4)},
                                                          "$addToSet": {"members": rng.choice(users)}}))
        elif choice < 0.7:
            operation = ("update_many", ({"conversation": rng.randrange(4)}, {"$pull": {"members": rng.choice(users)}}))
        elif choice < 0.8:
            operation = ("delete_one", ({"_id": target},))
        else:
            operation = ("update_one", ({"_id": target}, {"$set": {"clientId": f"c{rng.randrange(8)}",
                                                                   "sender": rng.choice(users)}}))
        results = [apply(collection, operation) for collection in (plain, indexed)]
        assert results[0] == results[1], (step, operation)
        for query in ({"conversation": rng.randrange(4)}, {"members": rng.choice(users)}, {"_id": target},
                      {"_id": {"$in": rng.sample(ids, 5)}}, {"sender": rng.choice(users), "clientId": "c1"},
                      {"conversation": {"$in": [0, 2]}, "members": rng.choice(users)}, {"createdAt": {"$gt": moment(step - 50)}},
                      {"createdAt": moment(rng.randrange(step + 1)).replace(tzinfo=timezone.utc)},
                      {"clientId": f"c{rng.randrange(8)}"},
                      {"name": re.compile("ada", re.IGNORECASE)}, {"name": {"$regex": "^B"}}, {"conversation": None},
                      {"conversation": {"$gte": 2}}, {"$or": [{"conversation": 1}, {"name": "Bo"}]},
                      {"$or": [{"conversation": 1, "createdAt": {"$gt": moment(step - 50)}}, {"conversation": 3}],
                       "sender": {"$ne": rng.choice(users)}},
                      {"$or": [{"conversation": 2}, {"createdAt": {"$gt": moment(step - 20)}}]}):
            assert list(plain.find(query)) == list(indexed.find(query)), (step, query)
            if step % 10 == 0:
                pipeline = [{"$match": query}, {"$group": {"_id": "$conversation", "n": {"$sum": 1}}},
                            {"$sort": {"_id": 1}}]
                assert list(plain.aggregate(pipeline)) == list(indexed.aggregate(pipeline)), (step, query)


def test_writes_through_with_options_keep_the_indexes():
    collection = IndexedMongoClient()["t"]["users"]
    collection.create_index([("blocked", 1)])
    a, b = ObjectId(), ObjectId()
    collection.insert_one({"_id": a, "blocked": []})
    collection.with_options(write_concern=WriteConcern(w=1)).update_one({"_id": a}, {"$addToSet": {"blocked": b}})
    assert [d["_id"] for d in collection.find({"blocked": b})] == [a]


def test_equality_lookups_do_not_scan_the_collection():
    collection = IndexedMongoClient()["t"]["messages"]
    collection.create_index([("conversation", 1)])
    collection.insert_many([{"conversation": n % 100, "n": n} for n in range(5000)])
    store = collection._store
    assert len(store.candidates({"conversation": 7})) == 50
    assert store.candidates({"n": 7}) is None  # not indexed: mongomock's scan answers
    assert len(store.candidates({"$and": [{"n": {"$gt": 1}}, {"conversation": 7}]})) == 50  # unique checks
    # an $or narrows when each of its clauses does (the badge's count over a person's chats)
    assert len(store.candidates({"$or": [{"conversation": 7, "n": {"$gt": 1000}}, {"conversation": 8}]})) == 100
    assert store.candidates({"$or": [{"conversation": 7}, {"n": 8}]}) is None


def test_a_pipeline_that_begins_with_match_tests_only_the_narrowed_documents(monkeypatch):
    from backend2.infra import embedded_mongo
    collection = IndexedMongoClient()["t"]["messages"]
    collection.create_index([("conversation", 1)])
    collection.insert_many([{"conversation": n % 100, "n": n} for n in range(5000)])
    tested = []
    real = embedded_mongo.filter_applies
    monkeypatch.setattr(embedded_mongo, "filter_applies", lambda spec, doc: tested.append(1) or real(spec, doc))
    counted = collection.aggregate([{"$match": {"$or": [{"conversation": 7, "n": {"$gt": 1000}}, {"conversation": 8}]}},
                                    {"$group": {"_id": None, "n": {"$sum": 1}}}])
    assert list(counted) == [{"_id": None, "n": 90}] and len(tested) == 100


def test_every_field_of_a_compound_index_narrows():
    collection = IndexedMongoClient()["t"]["messages"]
    collection.create_index([("sender", 1), ("clientId", 1)], unique=True)
    collection.insert_many([{"sender": n % 2, "clientId": f"c{n}"} for n in range(1000)])
    assert len(collection._store.candidates({"sender": 1, "clientId": "c7"})) == 1


def test_declaring_an_existing_index_again_changes_nothing_even_over_partial_duplicates():
    messages = IndexedMongoClient()["db"]["messages"]
    unique_client_ids = dict(unique=True, partialFilterExpression={"clientId": {"$type": "string"}})
    messages.create_index([("sender", 1), ("clientId", 1)], **unique_client_ids)
    messages.insert_many([{"sender": 1}, {"sender": 1}])  # no clientId: outside the partial index
    assert messages.create_index([("sender", 1), ("clientId", 1)], **unique_client_ids) == "sender_1_clientId_1"
    try:
        messages.create_index([("sender", 1), ("clientId", 1)], unique=True)
    except Exception as error:  # other options under the same name are still refused, as MongoDB does
        assert "already exists with different options" in str(error)
    else:
        raise AssertionError("an index was redeclared with other options")


def test_cursors_with_sort_skip_and_limit_return_what_mongomock_returns():
    plain, indexed = MongoClient()["t"]["c"], IndexedMongoClient()["t"]["c"]
    documents = [{"_id": n, "group": n % 7, "name": f"n{n % 13}"} for n in range(300)]
    for collection in (plain, indexed):
        collection.insert_many(documents)
    for sort, skip, limit in (([("name", 1), ("_id", -1)], 0, 0), ([("group", -1)], 40, 25), ([("_id", 1)], 290, 50)):
        expected = list(plain.find({"group": {"$ne": 3}}, sort=sort, skip=skip, limit=limit))
        assert list(indexed.find({"group": {"$ne": 3}}, sort=sort, skip=skip, limit=limit)) == expected
    resorted = indexed.find({})
    assert next(resorted)["_id"] == 0
    resorted.sort("_id", -1).rewind()  # a changed sort is a new window
    assert [d["_id"] for d in resorted][:2] == [299, 298]


def test_bulk_updates_apply_each_and_report_failures_as_pymongo_does():
    from pymongo import UpdateOne
    from pymongo.errors import BulkWriteError
    collection = IndexedMongoClient()["t"]["users"]
    collection.create_index([("phone", 1)], unique=True)
    collection.insert_one({"_id": 1, "phone": "+1"})
    result = collection.bulk_write([UpdateOne({"_id": 1}, {"$set": {"name": "Ada"}}),
                                    UpdateOne({"_id": 2}, {"$setOnInsert": {"phone": "+2"}}, upsert=True)])
    assert (result.matched_count, result.modified_count, result.upserted_ids) == (1, 1, {1: 2})
    try:
        collection.bulk_write([UpdateOne({"_id": 3}, {"$set": {"phone": "+1"}}, upsert=True),
                               UpdateOne({"_id": 4}, {"$set": {"phone": "+4"}}, upsert=True)], ordered=False)
    except BulkWriteError as error:
        assert [e["index"] for e in error.details["writeErrors"]] == [0]
    else:
        raise AssertionError("a duplicate phone was written")
    assert sorted(d["_id"] for d in collection.find()) == [1, 2, 4]
