"""Redis commands as the server received them (MONITOR), for the tests that count them."""
import threading
import uuid

import redis as redis_lib

from support.environment import TEST_REDIS_URL


class RedisCommands:
    """`with RedisCommands() as seen: ...` then `seen.commands`: each command the tests' Redis
    database received meanwhile, from any client, one per command inside a pipeline or
    MULTI/EXEC (scripts' inner calls left out), e.g. ["HGETALL b2:...", ...]."""

    def __enter__(self):
        self.client = redis_lib.Redis.from_url(TEST_REDIS_URL)
        self.db = self.client.connection_pool.connection_kwargs.get("db", 0)
        self.monitor = self.client.monitor().__enter__()
        self.commands, self.marker = [], f"end-of-count-{uuid.uuid4().hex}"
        self.started, self.done = threading.Event(), threading.Event()
        self.client.echo(self.marker + "-start")
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        assert self.started.wait(5), "MONITOR saw nothing"
        return self

    def _read(self):
        recording = False
        for entry in self.monitor.listen():
            if entry["client_type"] == "lua" or entry["db"] != self.db:
                continue
            if self.marker in entry["command"]:
                if recording:
                    self.done.set()
                    return
                recording = True
                self.started.set()
            elif recording:
                self.commands.append(entry["command"])

    def __exit__(self, *exc):
        self.client.echo(self.marker + "-end")
        assert self.done.wait(5), "MONITOR did not see the end"
        self.monitor.__exit__(*exc)
        self.client.close()
