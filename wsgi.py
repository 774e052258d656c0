"""Entry point. gevent must patch the standard library before anything else is imported.

`gunicorn wsgi:app` (see Procfile) serves `app`; `python wsgi.py` runs the same app on
gevent's server with websockets, on $PORT (default 5000).
"""
from gevent import config as gevent_config
from gevent import monkey

monkey.patch_all()
# The spawning tree and stack of each greenlet are for debugging: ~2 KB kept per connection.
gevent_config.track_greenlet_tree = False

from backend2 import create_app  # noqa: E402
from backend2.infra.server import serve  # noqa: E402
from backend2.sockets.background import start_background_tasks  # noqa: E402

app = create_app()
start_background_tasks(app)

if __name__ == "__main__":
    serve(app, app.config["HOST"], app.config["PORT"])
