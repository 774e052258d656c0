"""Entry point. gevent must patch the standard library before anything else is imported.

`gunicorn wsgi:app` (see Procfile) serves `app`; `python wsgi.py` runs the same app on
gevent's server with websockets, on $PORT (default 5000).
"""
from gevent import monkey

monkey.patch_all()

from backend2 import create_app  # noqa: E402
from backend2.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host=app.config["HOST"], port=app.config["PORT"])
