import mimetypes
import re

from flask import Blueprint, send_from_directory

from backend2.errors import NotFound
from backend2.services.images import upload_dir

uploads_bp = Blueprint("uploads", __name__, url_prefix="/uploads")

# Only names we generate: random url-safe text and one known extension. Anything else,
# including every path-traversal attempt, is simply not found.
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{16,64}\.(png|jpg|webp|gif)$")


@uploads_bp.get("/<path:name>")
def serve(name):
    """A stored upload, with its real type and `nosniff`"""
    if not STORED_NAME.match(name):
        raise NotFound("File not found", code="file_not_found")
    response = send_from_directory(upload_dir(), name, mimetype=mimetypes.guess_type(name)[0], max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
