"""Progress for long commands: a bar on a terminal (tqdm), a log line every couple of seconds
otherwise (as under a PaaS's one-off runner, where output goes to the logs)."""
import logging
import sys
import time
from contextlib import contextmanager

log = logging.getLogger("backend2.commands")
LOG_EVERY_SECONDS = 2.0


@contextmanager
def progress(label, total, unit="docs"):
    """A progress bar on a terminal; a log line every couple of seconds otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm  # only a command on a terminal needs it, not every process that imports this

        with tqdm(total=total, desc=f"{label:<14}", unit=f" {unit}", file=sys.stderr) as bar:
            yield bar
        return
    lines = _LogLines(label, total, unit)
    yield lines
    lines.finish()


class _LogLines:
    def __init__(self, label, total, unit):
        self.label, self.total, self.done = label, total, 0
        self.started = self.logged = time.monotonic()
        log.info("%s: %d %s to go", label, total, unit)

    def update(self, count):
        self.done += count
        if time.monotonic() - self.logged >= LOG_EVERY_SECONDS:
            self.logged = time.monotonic()
            log.info("%s: %d/%d", self.label, self.done, self.total)

    def finish(self):
        log.info("%s: %d/%d done in %.1f s", self.label, self.done, self.total, time.monotonic() - self.started)
