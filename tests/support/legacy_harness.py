"""Source and target databases on one MongoDB server, and the real `flask legacy` command."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo import MongoClient

from support.legacy_world import DESKTOP_SECRET, MOBILE_SECRET

ROOT = Path(__file__).resolve().parents[2]
RAW = CodecOptions(document_class=RawBSONDocument)


class LegacyDatabases:
    """Two Express databases and a Backend2 target on the server at `uri` (each with a fresh
    name), the old servers' upload folder, and Backend2's."""

    def __init__(self, uri, folder):
        self.uri = uri.rstrip("/")
        suffix = uuid.uuid4().hex[:8]
        self.desktop, self.mobile, self.target = (f"legacy_desktop_{suffix}", f"legacy_mobile_{suffix}",
                                                  f"backend2_{suffix}")
        self.client = MongoClient(self.uri)
        self.old_uploads, self.upload_dir = Path(folder) / "old-uploads", Path(folder) / "uploads"
        self.old_uploads.mkdir(parents=True, exist_ok=True)
        self.reports = Path(folder)

    @property
    def target_uri(self):
        return f"{self.uri}/{self.target}"

    def source_args(self, reverse=False):
        sources = [f"{self.uri}/{self.desktop}", f"{self.uri}/{self.mobile}"]
        args = [item for uri in (sources[::-1] if reverse else sources) for item in ("--source", uri)]
        return [*args, "--uploads", str(self.old_uploads)]

    def settings(self, **extra):
        """The environment a Backend2 process on the target needs (the command, or a server)."""
        return {"MONGODB_URI": self.target_uri, "UPLOAD_DIR": str(self.upload_dir),
                "LEGACY_JWT_SECRETS": f"{DESKTOP_SECRET},{MOBILE_SECRET}", **extra}

    def start(self, verb, *args, target=None, **popen):
        """`flask --app backend2 legacy <verb> <sources> <args>` as a child process."""
        env = {**os.environ, "APP_ENV": "testing", "JWT_SECRET": "t" * 40, "REDIS_URL": "",
               **self.settings(), **({"MONGODB_URI": f"{self.uri}/{target}"} if target else {})}
        command = [sys.executable, "-m", "flask", "--app", "backend2", "legacy", verb, *self.source_args(), *args]
        popen = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True, **popen}
        return subprocess.Popen(command, cwd=ROOT, env=env, **popen)

    def run(self, verb="import", *args, target=None):
        """Run the command to its end: (exit code, output, the JSON report or None)."""
        report = self.reports / f"report-{uuid.uuid4().hex[:6]}.json"
        process = self.start(verb, *args, "--report", str(report), target=target)
        output, _ = process.communicate(timeout=300)
        return process.returncode, output, json.loads(report.read_text()) if report.exists() else None

    def snapshot(self, database):
        """Every document of a database as its stored bytes, and every index: what a write would change."""
        db = self.client[database]
        state = {}
        for name in db.list_collection_names():
            collection = db.get_collection(name, codec_options=RAW)
            state[name] = {"documents": sorted(doc.raw for doc in collection.find()),
                           "indexes": sorted(db[name].index_information())}
        return state

    def close(self):
        for name in (self.desktop, self.mobile, self.target):
            self.client.drop_database(name)
        self.client.close()
