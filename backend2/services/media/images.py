"""Image uploads: the type is read from the bytes, the image is re-encoded without metadata.

Re-encoding through Pillow drops EXIF (GPS, camera serials), comments and anything appended
to the file (polyglots), and a decoder bomb is stopped by the pixel limit before decoding: the
pixels of every frame together, so an animation of thousands of small frames (minutes of CPU to
re-encode) is refused like one huge picture.
"""
import io
import secrets

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from backend2.errors import Codes, PayloadTooLarge, ValidationFailed

ALLOWED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def read_limited(file_storage, max_bytes, field="file"):
    """The upload's bytes; 413 beyond `max_bytes`, 400 when there is no file."""
    if file_storage is None:
        raise ValidationFailed("Attach the file as multipart field 'file'", details={field: ["Missing file"]})
    data = file_storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The file is larger than {max_bytes} bytes", code=Codes.FILE_TOO_LARGE)
    if not data:
        raise ValidationFailed("The file is empty", details={field: ["Empty file"]})
    return data


def decode_image(data, max_pixels=None, animated=True):
    """The decoded image, refusing anything that is not an allowed format or has more than
    `max_pixels` (IMAGE_MAX_PIXELS unless given) in all its frames; `animated=False` for an image
    whose first frame alone is kept (its other frames are then not counted: never decoded)."""
    max_pixels = max_pixels or current_app.config["IMAGE_MAX_PIXELS"]
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise _not_an_image()
            frames = getattr(probe, "n_frames", 1) if animated else 1
            if probe.width * probe.height * frames > max_pixels:
                raise ValidationFailed("The image has too many pixels", code=Codes.IMAGE_TOO_LARGE)
            image = Image.open(io.BytesIO(data))
            image.load()
            return image
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise _not_an_image()


def _not_an_image():
    return ValidationFailed("The file is not a PNG, JPEG, WebP or GIF image", code=Codes.UNSUPPORTED_FILE_TYPE)


# Pillow format -> (stored extension, modes the encoder takes, mode to convert others to).
OUTPUT = {
    "PNG": ("png", ("1", "L", "LA", "P", "RGB", "RGBA"), "RGBA"),
    "JPEG": ("jpg", ("L", "RGB"), "RGB"),
    "WEBP": ("webp", ("RGB", "RGBA"), "RGBA"),
    "GIF": ("gif", ("L", "P"), "P"),
}


def encode_image(image, max_side, animated=True):
    """`image` re-encoded in its own format, at most `max_side` wide or high: (stored name, bytes,
    (width, height)). Re-encoding keeps the pixels and drops everything else. Animated GIFs keep
    their frames when they already fit, unless `animated=False` (the first frame only)."""
    fmt = image.format
    extension, modes, fallback_mode = OUTPUT[fmt]
    name = f"{secrets.token_urlsafe(18)}.{extension}"
    buffer = io.BytesIO()
    if animated and getattr(image, "is_animated", False) and fmt == "GIF" and max(image.size) <= max_side:
        image.save(buffer, "GIF", save_all=True, loop=image.info.get("loop", 0))
        return name, buffer.getvalue(), image.size
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side))
    if image.mode not in modes:
        image = image.convert(fallback_mode)
    image.save(buffer, fmt, quality=85, optimize=True)
    return name, buffer.getvalue(), image.size
