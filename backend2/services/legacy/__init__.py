"""The legacy import: both Express servers' databases and upload folders into Backend2.

`run_import` reads every `--source` (never writing to one), works out per document which
server wrote it, merges what both servers hold about one person and one chat, and writes
Backend2's documents in batches through a ledger (`legacyimports`) that makes every run
idempotent and resumable. The same run with mode "dry-run" writes nothing, and with mode
"verify" reports what the target is missing or has different.
"""
from contextlib import contextmanager

from backend2.models.legacy_source import SourceError
from backend2.services.legacy.accounts import import_contacts, import_sessions
from backend2.services.legacy.chats import import_chat_requests, import_conversations
from backend2.services.legacy.messages import import_messages
from backend2.services.legacy.people import import_users
from backend2.services.legacy.run import ImportOptions, ImportRun

PHASES = (import_users, import_sessions, import_contacts, import_conversations, import_chat_requests,
          import_messages)

__all__ = ["ImportOptions", "SourceError", "run_import"]


class _NoBar:
    def update(self, count):
        pass


@contextmanager
def _quiet_progress(collection, total):
    """A progress callback that shows nothing."""
    yield _NoBar()


def run_import(options, progress=_quiet_progress):
    """Run every phase; returns the Report. Raises SourceError before reading anything when a
    source or upload folder cannot be used."""
    run = ImportRun(options, progress)
    try:
        run.check_targets()
        run.note_ignored_collections()
        for phase in PHASES:
            phase(run)
    finally:
        run.close()
    run.report.finish()
    return run.report
