"""A production deployment installs requirements.txt only: none of the embedded default's
stand-ins (mongomock, MockupDB, fakeredis) is needed, and without them an unset URL is a clear
refusal instead of an ImportError."""
import os
import subprocess
import sys
import textwrap

import pytest

from support.environment import TEST_REDIS_NAMESPACE, TEST_REDIS_URL
from support.servers import ROOT

pytestmark = pytest.mark.redis
STAND_INS = ("mongomock", "mockupdb", "fakeredis")
WITHOUT_STAND_INS = textwrap.dedent(f"""
    import sys

    class NotInstalled:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {STAND_INS!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}")

    sys.meta_path.insert(0, NotInstalled())
""")
PRODUCTION = {"APP_ENV": "production", "JWT_SECRET": "p" * 48, "ALLOWED_ORIGINS": "https://app.example.com",
              "OTP_SENDER": "webhook", "OTP_WEBHOOK_URL": "http://127.0.0.1:9/otp", "MONGODB_TIMEOUT_MS": "300",
              "MONGODB_URI": "mongodb://127.0.0.1:9/backend2", "REDIS_URL": TEST_REDIS_URL,
              "REDIS_NAMESPACE": TEST_REDIS_NAMESPACE,
              "STORAGE_BACKEND": "s3", "S3_BUCKET": "media", "S3_ENDPOINT_URL": "http://127.0.0.1:9"}


def run(code, **settings):
    env = {**os.environ, **settings}
    return subprocess.run([sys.executable, "-c", WITHOUT_STAND_INS + code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_a_production_process_starts_without_any_stand_in():
    started = run("import wsgi\nprint('started', wsgi.app.config['APP_ENV'], sorted(set(sys.modules) & "
                  f"{set(STAND_INS)!r}))", **PRODUCTION)
    assert started.returncode == 0, started.stderr[-2000:]
    assert "started production []" in started.stdout


def test_without_the_stand_ins_an_unset_url_names_what_to_install():
    for unset in ("REDIS_URL", "MONGODB_URI"):
        refused = run("from backend2 import create_app\ncreate_app('development')",
                      **{**PRODUCTION, "APP_ENV": "development", unset: ""})
        assert refused.returncode != 0 and f"{unset} is not set" in refused.stderr, refused.stderr[-1500:]
        assert "requirements-embedded.txt" in refused.stderr
