"""The shared embedded database: one in-memory database that several processes use."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError

from backend2.infra.devdb import SharedEmbeddedDatabase
from support.people import Person, register_on


@pytest.fixture
def shared_db():
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    yield database.uri
    database.close()


def test_two_apps_on_it_see_the_same_data(shared_db, make_app, otp_inbox):
    first = make_app(use_redis=False, MONGODB_URI=f"{shared_db}/shared").test_client()
    second = make_app(use_redis=False, MONGODB_URI=f"{shared_db}/shared").test_client()
    ada = Person(register_on(first, otp_inbox))
    profile = second.get("/users/profile", headers=ada.headers)
    assert profile.status_code == 200 and profile.get_json()["id"] == ada.id


def test_unique_indexes_hold_under_concurrent_writers(shared_db):
    collection = MongoClient(shared_db)["race"]["items"]
    collection.create_index("key", unique=True)

    def insert(_):
        try:
            collection.insert_one({"key": "only-one"})
            return True
        except DuplicateKeyError:
            return False

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(insert, range(64)))
    assert results.count(True) == 1
    assert collection.count_documents({"key": "only-one"}) == 1


def test_unknown_commands_fail_cleanly(shared_db):
    from pymongo.errors import OperationFailure
    with pytest.raises(OperationFailure, match="no such command"):
        MongoClient(shared_db).admin.command("replSetGetStatus")


def test_large_results_come_in_batches_behind_a_cursor(shared_db):
    collection = MongoClient(shared_db)["cursors"]["items"]
    collection.insert_many([{"n": n} for n in range(1000)])
    assert [d["n"] for d in collection.find({}, sort=[("n", 1)], batch_size=64)] == list(range(1000))
    assert [d["n"] for d in collection.find({"n": {"$gte": 900}}).sort("n", -1)] == list(range(999, 899, -1))
    assert len(list(collection.aggregate([{"$match": {"n": {"$lt": 500}}}], batchSize=10))) == 500


def test_an_abandoned_cursor_is_killed(shared_db):
    database = MongoClient(shared_db)["cursors"]
    database["items"].insert_many([{"n": n} for n in range(300)])
    cursor = database["items"].find(batch_size=10)
    next(cursor)
    cursor_id = cursor.cursor_id
    assert cursor_id
    cursor.close()
    assert database.command("getMore", cursor_id, collection="items", check=False)["ok"] == 0


def test_collections_are_listed(shared_db):
    database = MongoClient(shared_db)["listing"]
    database["users"].insert_one({})
    database["messages"].insert_one({})
    assert sorted(database.list_collection_names()) == ["messages", "users"]


def test_a_process_restarting_on_its_own_data_starts(shared_db, make_app, otp_inbox):
    uri = f"{shared_db}/restart"
    first = make_app(use_redis=False, MONGODB_URI=uri).test_client()
    ada, bob = Person(register_on(first, otp_inbox)), Person(register_on(first, otp_inbox))
    first.post("/contacts/sync", headers=ada.headers, json={"phones": [bob.phone]})
    chat = first.post("/conversations", headers=ada.headers, json={"participants": [bob.id]}).get_json()["id"]
    for _ in range(2):  # two messages without a clientId: outside the partial unique index
        assert first.post("/messages", headers=ada.headers, json={"conversationId": chat, "text": "hi"}).status_code == 201
    again = make_app(use_redis=False, MONGODB_URI=uri).test_client()
    assert again.get("/messages", headers=ada.headers, query_string={"conversationId": chat}).status_code == 200
