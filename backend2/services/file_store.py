"""Where stored files live: the UPLOAD_DIR folder, and the URL each is served at."""
from pathlib import Path

from flask import current_app


def upload_dir():
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(files):
    """Write {stored name: bytes}. Names are random, so nothing is ever overwritten."""
    folder = upload_dir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def upload_url(name):
    return f"{current_app.config['PUBLIC_URL']}/uploads/{name}"
