"""Avatar uploads: real images only, decided from the bytes, stored re-encoded and served safely."""
import io

from PIL import Image

from support.people import Person, register_on


def image_bytes(fmt, size=(64, 48), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, color=(200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(client, who, data, filename="a.png", content_type="image/png"):
    return client.post("/users/me/avatar", headers=who.headers,
                       data={"file": (io.BytesIO(data), filename, content_type)}, content_type="multipart/form-data")


def test_png_is_accepted_and_served_with_its_real_type(client, person):
    me = person()
    response = upload(client, me, image_bytes("PNG"))
    assert response.status_code == 200
    url = response.get_json()["avatar"]
    assert url == response.get_json()["avatarUrl"] and url.startswith("/uploads/") and ".png?exp=" in url
    served = client.get(url)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.data)).format == "PNG"
    assert client.get("/users/profile", headers=me.headers).get_json()["avatar"] == url


def test_jpeg_named_png_is_stored_as_jpeg_without_its_metadata(client, person):
    me = person()
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    photo = image_bytes("JPEG", size=(3000, 2000), exif=exif.tobytes())
    response = upload(client, me, photo, filename="holiday.png", content_type="image/png")
    assert response.status_code == 200
    url = response.get_json()["avatar"]
    assert ".jpg?exp=" in url
    stored = Image.open(io.BytesIO(client.get(url).data))
    assert stored.format == "JPEG"
    assert max(stored.size) == 1024
    assert not stored.getexif()


def test_script_renamed_png_is_refused(client, person):
    me = person()
    response = upload(client, me, b"#!/bin/sh\nrm -rf /\n", filename="evil.png")
    assert response.status_code == 400
    assert response.get_json()["code"] == "unsupported_file_type"


def test_svg_and_html_are_refused(client, person):
    me = person()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert upload(client, me, svg, filename="a.svg", content_type="image/svg+xml").status_code == 400
    assert upload(client, me, b"<html><script>alert(1)</script></html>", filename="a.html").status_code == 400


def test_polyglot_tail_is_dropped_by_re_encoding(client, person):
    me = person()
    polyglot = image_bytes("PNG") + b"<script>alert(1)</script>"
    response = upload(client, me, polyglot)
    assert response.status_code == 200
    assert b"<script>" not in client.get(response.get_json()["avatar"]).data


def test_oversized_file_is_413(make_app, otp_inbox):
    client = make_app(use_redis=False, AVATAR_MAX_BYTES=1000).test_client()
    me = Person(register_on(client, otp_inbox))
    response = upload(client, me, image_bytes("PNG", size=(400, 400), mode="RGBA") + b"\0" * 2000)
    assert response.status_code == 413
    assert response.get_json()["code"] == "file_too_large"


def test_image_with_huge_dimensions_is_refused_before_decoding(make_app, otp_inbox):
    client = make_app(use_redis=False, IMAGE_MAX_PIXELS=10_000).test_client()
    me = Person(register_on(client, otp_inbox))
    response = upload(client, me, image_bytes("PNG", size=(200, 200)))
    assert response.status_code == 400
    assert response.get_json()["code"] == "image_too_large"


def test_missing_or_empty_file_is_400(client, person):
    me = person()
    assert client.post("/users/me/avatar", headers=me.headers, data={}, content_type="multipart/form-data").status_code == 400
    assert upload(client, me, b"").status_code == 400


def test_avatar_upload_needs_a_token(client):
    response = client.post("/users/me/avatar", data={"file": (io.BytesIO(image_bytes("PNG")), "a.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 401


def test_path_traversal_and_foreign_names_are_not_found(client, person):
    me = person()
    for name in ["../config/__init__.py", "..%2Fconfig%2F__init__.py", "%2e%2e/%2e%2e/etc/passwd",
                 "....//....//etc/passwd", "/etc/passwd", "a.png", "x" * 20 + ".svg", "x" * 20 + ".png/../../wsgi.py"]:
        response = client.get(f"/uploads/{name}", headers=me.headers, follow_redirects=True)
        assert response.status_code == 404, name
        assert response.is_json
