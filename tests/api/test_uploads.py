"""Attachment uploads: allowed kinds only, decided from the bytes; messages only point at them."""
import io
import zipfile

from PIL import Image

from support.people import Person, register_on
from support.web_pages import animated_gif


def upload(client, who, data, filename):
    return client.post("/uploads", headers=who.headers, data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def png(size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(buffer, "PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_image_upload_gets_dimensions_and_a_thumbnail(client, person):
    me = person()
    response = upload(client, me, png(), "../../photo.png")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["width"], body["height"], body["mimeType"], body["name"]) == (800, 600, "image/png", "photo.png")
    thumbnail = Image.open(io.BytesIO(client.get(body["thumbnailUrl"]).data))
    assert max(thumbnail.size) == 320
    served = client.get(body["url"])
    assert served.headers["Content-Type"] == "image/png"
    assert not served.headers.get("Content-Disposition", "").startswith("attachment")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert body["size"] == len(served.data)


def test_document_is_served_as_a_download_with_its_real_type(client, person):
    me = person()
    body = upload(client, me, PDF, "report.pdf").get_json()
    assert body["mimeType"] == "application/pdf" and ".pdf?exp=" in body["url"] and "width" not in body
    served = client.get(body["url"])
    assert served.data == PDF
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_plain_text_is_accepted_as_a_download(client, person):
    me = person()
    body = upload(client, me, "notes – ünïcode\n".encode(), "notes.txt").get_json()
    assert body["mimeType"] == "text/plain"
    assert client.get(body["url"]).headers["Content-Disposition"].startswith("attachment")


def test_spoofed_and_dangerous_files_are_refused(client, person):
    me = person()
    executable = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 100
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    assert upload(client, me, executable, "invoice.pdf").status_code == 400
    assert upload(client, me, b"\x7fELF" + b"\x00" * 100, "song.mp3").status_code == 400
    # Text that a browser would run is stored only as text/plain and served as a download.
    for data, name in [(html, "page.html"), (svg, "logo.svg")]:
        body = upload(client, me, data, name).get_json()
        served = client.get(body["url"])
        assert served.headers["Content-Type"].startswith("text/plain")
        assert served.headers["Content-Disposition"].startswith("attachment")


def test_upload_size_limit_is_413(make_app, otp_inbox):
    client = make_app(use_redis=False, UPLOAD_MAX_BYTES=1000).test_client()
    me = Person(register_on(client, otp_inbox))
    response = upload(client, me, PDF + b"0" * 2000, "big.pdf")
    assert response.status_code == 413 and response.is_json


def test_an_animation_is_held_to_the_pixel_limit_over_all_its_frames(make_app, otp_inbox):
    client = make_app(use_redis=False, IMAGE_MAX_PIXELS=100_000).test_client()
    me = Person(register_on(client, otp_inbox))
    refused = upload(client, me, animated_gif(12), "many.gif")  # 12 frames of 10,000 pixels
    assert (refused.status_code, refused.get_json()["code"]) == (400, "image_too_large")
    kept = upload(client, me, animated_gif(8), "few.gif")
    assert kept.status_code == 201
    assert Image.open(io.BytesIO(client.get(kept.get_json()["url"]).data)).n_frames == 8


def test_uploads_need_a_token(client):
    response = client.post("/uploads", data={"file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 401


def test_message_with_an_uploaded_attachment(client, person, chat):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    image = upload(client, me, png((100, 50)), "cat.png").get_json()
    response = client.post("/messages", headers=me.headers, json={
        "conversationId": conversation_id,
        "attachments": [{"url": image["url"], "name": "my cat.png", "size": 1, "mimeType": "text/html"}],
    })
    assert response.status_code == 201
    message = response.get_json()
    assert message["type"] == "image" and message["text"] == ""
    [attachment] = message["attachments"]
    assert attachment["mimeType"] == "image/png" and attachment["size"] == image["size"]  # ours, not the client's
    assert (attachment["name"], attachment["width"], attachment["thumbnailUrl"]) == ("my cat.png", 100, image["thumbnailUrl"])
    document = upload(client, me, PDF, "r.pdf").get_json()
    file_message = client.post("/messages", headers=me.headers, json={
        "conversationId": conversation_id, "text": "report", "attachments": [{"url": document["url"]}]}).get_json()
    assert file_message["type"] == "file"


def test_attachments_must_be_this_servers_uploads(client, person, chat):
    me, ada = person(), person()
    conversation_id = chat(me, ada)
    for url in ["https://evil.example.com/x.png", "/uploads/" + "a" * 24 + ".png", "/uploads/../config/x.png",
                "javascript:alert(1)"]:
        response = client.post("/messages", headers=me.headers,
                               json={"conversationId": conversation_id, "attachments": [{"url": url}]})
        assert response.status_code == 400, url
        assert response.get_json()["code"] in ("invalid_attachment", "validation_error")


def test_office_documents_are_recognised(client, person):
    me = person()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    body = upload(client, me, buffer.getvalue(), "letter.docx").get_json()
    assert body["url"].split("?")[0].endswith((".docx", ".zip"))


def test_form_fields_beside_the_file_are_refused(client, person):
    me = person()
    response = client.post("/uploads", headers=me.headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PDF), "report.pdf"), "owner": "someone-else"})
    assert response.status_code == 400
    assert response.get_json()["details"] == {"owner": ["Unknown field."]}
