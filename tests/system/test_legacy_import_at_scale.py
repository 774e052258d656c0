"""The legacy import on a long history: bulk writes, a run killed midway, the order of sources."""
import signal
import time

import pymongo.monitoring
import pytest

from support.legacy_world import write_history

MESSAGES = 5000
WRITES = {"insert", "update", "delete", "findAndModify"}


class WriteCounter(pymongo.monitoring.CommandListener):
    """Counts write commands sent to one database while `database` is set."""

    def __init__(self):
        self.database, self.writes = None, []

    def started(self, event):
        if event.database_name == self.database and event.command_name in WRITES:
            self.writes.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


COUNTER = WriteCounter()
pymongo.monitoring.register(COUNTER)  # for clients made from now on: the apps these tests create


@pytest.fixture(scope="module")
def history(legacy_databases):
    write_history(legacy_databases.client, legacy_databases.desktop, legacy_databases.mobile, MESSAGES)
    return legacy_databases


def test_messages_are_written_in_bulk_at_most_ten_write_commands_per_thousand(history, make_app):
    target = "counted_" + history.target
    app = make_app(use_redis=False, **history.settings(MONGODB_URI=f"{history.uri}/{target}"))
    COUNTER.database, COUNTER.writes = target, []
    result = app.test_cli_runner().invoke(args=["legacy", "import", *history.source_args()])
    COUNTER.database = None
    assert result.exit_code == 0, result.output
    assert history.client[target].messages.count_documents({}) == MESSAGES
    assert len(COUNTER.writes) <= 10 * MESSAGES / 1000, COUNTER.writes
    history.client.drop_database(target)


def test_a_run_killed_midway_and_run_again_finishes_with_no_duplicates(history):
    messages = history.client[history.target].messages
    process = history.start("import", "--batch-size", "100")
    deadline = time.monotonic() + 120
    while messages.count_documents({}) < MESSAGES // 5 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 0 < messages.count_documents({}) < MESSAGES, "the run was not killed midway"

    code, output, report = history.run("import")
    assert code == 0, output
    section = report["collections"]["messages"]
    assert section["imported"] + section["unchanged"] == MESSAGES and section["rejected"] == 0
    assert messages.count_documents({}) == MESSAGES
    assert len(messages.distinct("_id")) == MESSAGES
    assert history.client[history.target].users.count_documents({}) == 2
    assert history.client[history.target].conversations.count_documents({}) == 1
    assert history.run("verify")[0] == 0


def test_the_order_of_the_sources_does_not_matter(history):
    other = "reversed_" + history.target
    code, output, report = history.run("import", target=other)
    assert code == 0, output
    process = history.start("import", target=other)  # reversed: the same data, nothing new
    process.communicate(timeout=300)
    first, second = history.client[history.target], history.client[other]
    for name in ("users", "conversations", "messages"):
        assert sorted(first[name].distinct("_id")) == sorted(second[name].distinct("_id")), name
    history.client.drop_database(other)
