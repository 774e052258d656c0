"""Removing attached files once no message holds them (a disappearing message's, when it goes or
is deleted before): the stored files first, then the uploads' records. While a record is there
with no message holding it, only its owner may fetch it (uploads.may_fetch); a file with no
record would be an old public one to anyone signed in, so a record never goes before its file."""
import logging

from backend2.extensions import jobs
from backend2.models import Message, Upload
from backend2.services.media import file_store
from backend2.services.media.uploads import stored_name_of

log = logging.getLogger(__name__)


def files_of(message):
    """The links of the files a message shows: its attachments, their thumbnails, its card's image."""
    urls = [url for attachment in message.attachments for url in (attachment.url, attachment.thumbnail_url) if url]
    image = (message.link_preview or {}).get("image")
    return urls + [image] if image else urls


def remove_unheld(urls):
    """Remove the uploads at `urls` that no message holds any more, now; when storage fails, the
    `remove_uploads` job retries (the records stay until their files are gone)."""
    names = [name for name in {stored_name_of(url) for url in urls}
             if name and not Message.conversations_holding(file_store.upload_url(name))]
    if not names:
        return
    try:
        remove_uploads(names)
    except Exception:  # storage is down: the job tries again later
        log.warning("Could not remove %d uploads now; queued", len(names), exc_info=True)
        jobs.enqueue("remove_uploads", names)


def remove_uploads(names):
    """The job `remove_uploads`: the stored files of these uploads (by stored name), then their
    records; a storage failure raises before any record goes (deleting what is gone is no error)."""
    uploads = list(Upload.objects(stored_name__in=list(names)).only("stored_name", "thumbnail_name"))
    file_store.remove_files([name for upload in uploads for name in (upload.stored_name, upload.thumbnail_name)
                             if name])
    Upload.objects(stored_name__in=list(names)).delete()
