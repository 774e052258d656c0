"""A link preview's image: fetched under the page fetcher's rules (at most IMAGE_MAX_BYTES),
decoded (at most IMAGE_MAX_PIXELS, the first frame of an animation only) and re-encoded like any
uploaded image (so nothing but its pixels survives), scaled to fit IMAGE_SIDE and stored as a
private upload; the page's own image URL never reaches the apps."""
from backend2.services.media import file_store
from backend2.services.media.uploads import prepare_image, save_prepared

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_SIDE = 600
# A card's image is 600 px: a 2000 x 2000 source is plenty, and decodes to 16 MB at most.
IMAGE_MAX_PIXELS = 4_000_000


def store_preview_image(url, owner_id, deadline, exempt):
    """The stored image's URL, an upload nothing refers to until a message shows the card (so the
    orphan sweep takes one no message ever showed); raises page_fetcher.Refused or Unavailable, or
    ValidationFailed for what is not an allowed image."""
    from backend2.infra import page_fetcher  # httpx, imported at a first fetch (fetch_preview)

    fetched = page_fetcher.fetch(url, ("image/",), IMAGE_MAX_BYTES, deadline, exempt)
    prepared = prepare_image(owner_id, fetched.body, "", IMAGE_SIDE, thumbnail=False,
                             max_pixels=IMAGE_MAX_PIXELS, animated=False)
    save_prepared(prepared)
    return file_store.upload_url(prepared.upload.stored_name)
