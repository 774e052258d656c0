"""The shared embedded database: one in-memory database that several processes use."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError

from backend2.devdb import SharedEmbeddedDatabase
from conftest import Person, register_on


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
