"""What message search costs on a large history.

    .venv/bin/python bench/search.py [--messages 100000] [--conversations 100] [--mine 20] [--runs 5]

Stores `--messages` messages (texts drawn from a 5,000-word vocabulary with a Zipf-like skew,
as chat text is) round `--conversations` conversations, of which the searching user is in
`--mine`; then times GET /messages/search through the app (in-process, test client) for a
common word, a rare word, two words, an unfinished word and a search in one chat.

Besides the time, it reports what a MongoDB server would read for each query through the
multikey index on `searchTerms` (`index_reads`), against the whole collection. The embedded
database (mongomock) has no indexes and scans every message for every query, so its time is
the cost of that scan, not of the index. For bench/RESULTS.md.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from bson import ObjectId  # noqa: E402

from backend2 import create_app  # noqa: E402
from backend2.database import ensure_indexes  # noqa: E402
from backend2.models import Conversation, Message, User  # noqa: E402
from backend2.services.people.sessions import open_session  # noqa: E402
from backend2.services.support.tokens import issue_token  # noqa: E402
from backend2.utils.search_terms import terms_of  # noqa: E402
from backend2.utils.time import utcnow  # noqa: E402

VOCABULARY = 5000
WORDS_PER_MESSAGE = (3, 15)


def vocabulary(rng):
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(VOCABULARY)]


def store(messages, conversations, mine, rng):
    """The searching user, and the ids of their conversations; the history stored in bulk."""
    me = User(name="Searcher", phone="+15550000001").save()
    others = [User(name=f"P{i}", phone=f"+1555{i + 2:07d}").save() for i in range(conversations)]
    chats = [Conversation(type="direct", participants=[other.id] + ([me.id] if i < mine else []),
                          participant_key=f"bench:{i}").save() for i, other in enumerate(others)]
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(VOCABULARY)]
    start = utcnow().timestamp() - messages
    batch = []
    for n in range(messages):
        text = " ".join(rng.choices(words, weights, k=rng.randint(*WORDS_PER_MESSAGE)))
        chat = chats[n % conversations]
        at = utcnow().fromtimestamp(start + n, tz=None)
        batch.append({"_id": ObjectId(), "conversation": chat.id, "sender": chat.participants[0], "type": "text",
                      "text": text, "searchTerms": terms_of(text), "createdAt": at, "updatedAt": at,
                      "hiddenFor": [], "deleted": False})
        if len(batch) == 10_000:
            Message._get_collection().insert_many(batch)
            batch = []
    if batch:
        Message._get_collection().insert_many(batch)
    return me, [c.id for c in chats[:mine]], words


def index_reads(terms, prefix, visible, page):
    """Index entries a MongoDB server reads for the query: its planner races the candidate
    plans and keeps the one that fills a page first, so this is the least of
    - the multikey index (searchTerms, createdAt, _id): a whole word is an equality whose entries
      come newest first, read until a page of visible matches is found; an unfinished word is a
      range, whose entries are all read, then sorted;
    - the index (conversation, createdAt, _id): the visible chats' messages newest first (one
      range per chat, merged), read until a page of them matches."""
    collection = Message._get_collection()

    def matches(doc):
        words = doc["searchTerms"]
        whole = terms[:-1] if prefix else terms
        return all(w in words for w in whole) and (not prefix or any(w.startswith(terms[-1]) for w in words))

    def read_until_page(query):
        read = found = 0
        for doc in collection.find(query, {"conversation": 1, "searchTerms": 1}).sort([("createdAt", -1), ("_id", -1)]):
            read += 1
            found += doc["conversation"] in visible and matches(doc)
            if found > page:
                break
        return read

    plans = [read_until_page({"conversation": {"$in": list(visible)}})]
    if prefix:
        plans.append(collection.count_documents({"searchTerms": {"$regex": f"^{terms[-1]}"}}))
    plans += [read_until_page({"searchTerms": word}) for word in (terms[:-1] if prefix else terms)]
    return min(plans)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--mine", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = create_app("testing", env={"JWT_SECRET": "b" * 64, "MONGODB_URI": "", "REDIS_URL": ""})
    rng = random.Random(17)
    with app.app_context():
        ensure_indexes()
        began = time.perf_counter()
        me, chats, words = store(args.messages, args.conversations, args.mine, rng)
        print(f"stored {args.messages:,} messages in {time.perf_counter() - began:.1f} s")
        token = issue_token(me, open_session(me, {"platform": "web"}, {}))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    queries = {
        "common word": {"q": words[0] + " "},
        "rare word": {"q": words[4000] + " "},
        "two words": {"q": f"{words[3]} {words[10]} "},
        "unfinished word": {"q": words[50][:3]},
        "one chat, common word": {"q": words[0] + " ", "conversationId": str(chats[0])},
    }
    print(f"| query | results (page of 20) | index entries a MongoDB server reads | embedded, median of {args.runs} |")
    print("|---|---|---|---|")
    for label, query in queries.items():
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            response = client.get("/messages/search", headers=headers, query_string=query)
            times.append(time.perf_counter() - began)
            assert response.status_code == 200, response.get_json()
        visible = {ObjectId(query["conversationId"])} if "conversationId" in query else set(chats)
        with app.app_context():
            entries = index_reads(terms_of(query["q"]), label == "unfinished word", visible, 20)
        found = len(response.get_json()["messages"])
        print(f"| {label} | {found} | {entries:,} of {args.messages:,} | {statistics.median(times) * 1000:,.0f} ms |")


if __name__ == "__main__":
    main()
