"""Removing attached files once no message holds them (a disappearing message's, when it goes or
is deleted before): the upload's record first, so no link resolves to it, then its stored files."""
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
    """Remove the uploads at `urls` that no message holds any more, now; what storage failed to
    delete is left to the `remove_files` job, which retries."""
    names = [name for name in {stored_name_of(url) for url in urls}
             if name and not Message.conversations_holding(file_store.upload_url(name))]
    if not names:
        return
    uploads = list(Upload.objects(stored_name__in=names).only("stored_name", "thumbnail_name"))
    Upload.objects(stored_name__in=names).delete()
    files = [name for upload in uploads for name in (upload.stored_name, upload.thumbnail_name) if name]
    try:
        file_store.remove_files(files)
    except Exception:  # storage is down: the job tries again later
        log.warning("Could not remove %d stored files now; queued", len(files), exc_info=True)
        jobs.enqueue("remove_files", files)
