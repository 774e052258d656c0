"""A link preview's image: fetched under the page fetcher's rules (at most IMAGE_MAX_BYTES),
decoded (at most IMAGE_MAX_PIXELS, the first frame of an animation only) and re-encoded like any
uploaded image (so nothing but its pixels survives), scaled to fit IMAGE_SIDE and stored as a
private upload; the page's own image URL never reaches the apps."""
from backend2.infra import page_fetcher
from backend2.models import Upload
from backend2.services.media import file_store, images
from backend2.services.media.file_types import MIME_BY_EXTENSION
from backend2.services.media.uploads import save_prepared, PreparedUpload

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_SIDE = 600
# A card's image is 600 px: a 2000 x 2000 source is plenty, and decodes to 16 MB at most.
IMAGE_MAX_PIXELS = 4_000_000


def store_preview_image(url, owner_id, deadline, exempt):
    """The stored image's URL; raises page_fetcher.Refused or Unavailable, or ValidationFailed for
    what is not an allowed image."""
    fetched = page_fetcher.fetch(url, ("image/",), IMAGE_MAX_BYTES, deadline, exempt)
    image = images.decode_image(fetched.body, max_pixels=IMAGE_MAX_PIXELS, animated=False)
    stored_name, encoded, (width, height) = images.encode_image(image, IMAGE_SIDE, animated=False)
    upload = Upload(stored_name=stored_name, owner=owner_id, name="", size=len(encoded), attached=True,
                    mime_type=MIME_BY_EXTENSION[stored_name.rsplit(".", 1)[1]], width=width, height=height)
    save_prepared(PreparedUpload({stored_name: encoded}, upload))
    return file_store.upload_url(stored_name)
