"""Files: attachments uploaded before they are sent, and every stored file served.

Uploads are typed from their bytes against an allow-list: images (PNG, JPEG, WebP, GIF;
re-encoded in their own format without metadata, with `width`, `height` and a
`THUMBNAIL_SIDE` thumbnail), PDF and office documents, zip, plain UTF-8 text, common audio
(mp3, m4a, aac, ogg, wav, amr) and video (mp4, m4v, mov, webm, 3gp). Anything else (HTML, SVG,
executables) is refused or, if it is plain text, stored as `text/plain`. Audio and video get
`durationMs`, and a video its `width`, `height` and first frame as `thumbnailUrl`, read by the
ffmpeg the imageio-ffmpeg wheel ships; a file it cannot read is stored without them. Files are served with
their stored type and `nosniff`; everything that is not an image, audio or video is a
download. Only names Backend2 generated are read from storage; an Express server's old path of
an imported file answers 301 with its new URL; anything else is 404.
"""
from apifairy import authenticate, other_responses, response
from flask import Blueprint, redirect, request, send_from_directory

from backend2.middlewares.auth import current_auth, current_user, token_auth
from backend2.middlewares.validation import file_body
from backend2.schemas.uploads import UploadResultSchema, UploadSchema
from backend2.services.media import file_store, uploads
from backend2.services.media.file_types import STORED_NAME, is_inline, mime_of

uploads_bp = Blueprint("uploads", __name__, url_prefix="/uploads")


@uploads_bp.post("")
@authenticate(token_auth)
@file_body(UploadSchema)
@response(UploadResultSchema, 201)
@other_responses({400: "Not an allowed kind of file", 413: "Larger than UPLOAD_MAX_BYTES"})
def upload(data):
    """Upload an attachment (images, documents, audio, video); use its url in a message"""
    return uploads.upload_json(uploads.store_upload(current_user(), data["file"])), 201


@uploads_bp.get("/<path:name>")
@authenticate(token_auth, optional=True)
@other_responses({200: "The file, with its stored type (local storage)",
                  301: "An Express server's old link: where the file is now",
                  302: "A short-lived link to the file in the storage service (S3 storage)",
                  403: "A signed link that has expired (link_expired) or was not made here (link_invalid)",
                  404: "No such file, or not one the caller may see", 503: "The storage service is unavailable"})
def serve(name):
    """A stored file: with a Bearer token, or as a signed link (`exp`, `sig`) from the API's JSON

    Its uploader may fetch it, and, for an attachment, the participants of a conversation holding a
    message it is attached to; an avatar, anyone signed in whom its owner has not blocked. A signed
    link (the `url`s in message, profile and upload JSON) needs no header until it expires, so
    image tags and download managers work; a plain link without a token is 401 `token_missing`.
    """
    uploads.authorize_fetch(name, current_auth(), request.args.get("exp"), request.args.get("sig"))
    # Only names we generate are looked up in storage; anything else, including every traversal
    # attempt, is at most an imported file's old name (which may look like ours).
    if not STORED_NAME.match(name) or not file_store.exists(name):
        return redirect(uploads.current_url_of_legacy_name(name), 301)
    elsewhere = file_store.redirect_url(name)
    if elsewhere:  # issued per request: the stored link stays stable, this one expires
        response = redirect(elsewhere, 302)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    response = send_from_directory(file_store.upload_dir(), name, mimetype=mime_of(name),
                                   as_attachment=not is_inline(name), max_age=86400)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
