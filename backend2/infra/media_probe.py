"""What an audio or video file holds: its duration and, for video, its size and first frame.

Read with the ffmpeg binary that the imageio-ffmpeg wheel (0.8.1) ships, so nothing has to be
installed beside the Python packages. A file ffmpeg cannot read gives None: the upload still
succeeds, without these fields (tests/api/test_media_probe.py).
"""
import re
import subprocess
import tempfile
from dataclasses import dataclass

import imageio_ffmpeg

PROBE_SECONDS = 20
DURATION = re.compile(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
VIDEO_SIZE = re.compile(rb"Stream #[^\n]*Video:[^\n]*?(\d{2,5})x(\d{2,5})")


@dataclass
class Media:
    duration_ms: int
    width: int | None = None
    height: int | None = None
    poster_png: bytes | None = None  # the first frame, for a video


def probe(data, suffix):
    """Media for the bytes of an audio or video file, or None when ffmpeg cannot read them."""
    with tempfile.NamedTemporaryFile(suffix=f".{suffix}") as source:
        source.write(data)
        source.flush()
        info = _run("-hide_banner", "-i", source.name)
        duration = DURATION.search(info.stderr) if info else None
        if duration is None:
            return None
        hours, minutes, seconds = duration.groups()
        media = Media(duration_ms=round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000))
        size = VIDEO_SIZE.search(info.stderr)
        if size:
            media.width, media.height = int(size.group(1)), int(size.group(2))
            frame = _run("-v", "error", "-i", source.name, "-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-")
            media.poster_png = frame.stdout if frame and frame.returncode == 0 and frame.stdout else None
        return media


def _run(*arguments):
    try:
        return subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), *arguments], capture_output=True,
                              timeout=PROBE_SECONDS, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError, RuntimeError):
        return None
