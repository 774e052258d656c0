"""Voice notes and videos: their duration, a video's size and first frame, read with the ffmpeg
binary the imageio-ffmpeg wheel ships; a file it cannot read is stored all the same."""
import io
import subprocess

import imageio_ffmpeg
import pytest
from PIL import Image


def made_with_ffmpeg(tmp_path, name, *arguments):
    """A real media file, made by the same ffmpeg: a test pattern or a tone."""
    path = tmp_path / name
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *arguments, str(path)], check=True,
                   timeout=60)
    return path.read_bytes()


@pytest.fixture
def video(tmp_path):
    return made_with_ffmpeg(tmp_path, "clip.mp4", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=10",
                            "-pix_fmt", "yuv420p", "-c:v", "mpeg4", "-f", "mp4")


@pytest.fixture
def voice_note(tmp_path):
    return made_with_ffmpeg(tmp_path, "note.wav", "-f", "lavfi", "-i", "sine=frequency=440:duration=1.5",
                            "-c:a", "pcm_s16le")


def upload(client, who, data, name):
    return client.post("/uploads", headers=who.headers, data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_video_gets_its_duration_size_and_first_frame(client, person, chat, say, video):
    ada, bo = person("Ada"), person("Bo")
    body = upload(client, ada, video, "clip.mp4").get_json()
    assert body["mimeType"] == "video/mp4" and abs(body["durationMs"] - 2000) <= 100
    assert (body["width"], body["height"]) == (320, 240)
    poster = client.get(body["thumbnailUrl"])
    assert poster.status_code == 200 and poster.headers["Content-Type"].startswith("image/")
    assert Image.open(io.BytesIO(poster.data)).size == (320, 240)
    message = say(ada, chat(ada, bo), "", attachments=[{"url": body["url"]}])
    attachment = message["attachments"][0]
    assert message["type"] == "video" and attachment["durationMs"] == body["durationMs"]
    assert attachment["thumbnailUrl"].split("?")[0] == body["thumbnailUrl"].split("?")[0]


def test_a_voice_note_gets_its_duration_and_nothing_else(client, person, voice_note):
    body = upload(client, person(), voice_note, "note.wav").get_json()
    assert body["mimeType"] == "audio/x-wav" and abs(body["durationMs"] - 1500) <= 50
    assert "width" not in body and "thumbnailUrl" not in body


def test_a_file_ffmpeg_cannot_read_is_stored_without_those_fields(client, person):
    broken = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 8  # an mp4 header, then noise
    response = upload(client, person(), broken, "broken.mp4")
    body = response.get_json()
    assert response.status_code == 201 and body["mimeType"] == "video/mp4"
    assert not {"durationMs", "width", "thumbnailUrl"} & set(body)
