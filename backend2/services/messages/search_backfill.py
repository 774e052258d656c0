"""Giving messages stored before search existed their search words (`searchTerms`).

New messages get them when sent or edited; this fills in the rest, in id order and in batches,
touching nothing else (not `updatedAt`: sync has nothing to report). Running it again finds
only what is still missing, so it is idempotent and resumes where a stopped run ended.
"""
import logging

from backend2.models import Message
from backend2.utils.progress import progress as logged_progress
from backend2.utils.search_terms import terms_of

log = logging.getLogger(__name__)

BATCH = 1000


def index_for_search(progress, dry_run=False):
    """{indexed, failed}: the messages given their search words (or, dry, that would be)."""
    total = Message.count_unindexed_for_search()
    if dry_run:
        return {"indexed": total, "failed": 0}
    indexed = failed = 0
    after = None
    with progress("search words", total, unit="messages") as bar:
        while batch := Message.unindexed_for_search(after, BATCH):
            errors = Message.bulk_update([(doc["_id"], {"$set": {"searchTerms": terms_of(doc.get("text"))}}, False)
                                          for doc in batch])
            indexed, failed = indexed + len(batch) - len(errors), failed + len(errors)
            after = batch[-1]["_id"]
            bar.update(len(batch))
    return {"indexed": indexed, "failed": failed}


def summary(report, dry_run=False):
    """The report in a line, as the command prints it and the job logs it."""
    verb = "would index" if dry_run else "indexed"
    return f"Search words: {verb} {report['indexed']} messages, {report['failed']} failed"


def index_job():
    """The job `index_search` (`flask --app backend2 messages index-search --queue`), on a worker."""
    log.info(summary(index_for_search(logged_progress)))
