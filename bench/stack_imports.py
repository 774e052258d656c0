"""What the fixed stack's own libraries cost a process in memory before it does anything.

    .venv/bin/python bench/stack_imports.py

A fresh interpreter, gevent's patches applied as wsgi.py applies them, then each library of
the guide's stack (and the embedded database's stand-ins, which a process on the default runs
on) imported in turn, none of Backend2's code: what each import added to the resident memory
(read from /proc) beyond those before it, so a library an earlier one imported adds nothing. It is the floor under issue 28's "under 80 MB before any client connects" on the
embedded database. For bench/RESULTS.md.
"""
from gevent import monkey

monkey.patch_all()

import importlib  # noqa: E402

STACK = [
    ("flask", "Flask"),
    ("flask_socketio", "Flask-SocketIO, python-socketio, engine.io (with its client)"),
    ("geventwebsocket.handler", "gevent-websocket"),
    ("flask_cors", "Flask-CORS"),
    ("flask_marshmallow", "marshmallow"),
    ("flask_jwt_extended", "flask-jwt-extended, PyJWT (with cryptography)"),
    ("flask_limiter", "Flask-Limiter, limits"),
    ("mongoengine", "MongoEngine, pymongo (with Pillow)"),
    ("redis", "redis-py"),
    ("bcrypt", "bcrypt"),
    ("phonenumbers", "phonenumbers"),
    ("dramatiq", "Dramatiq"),
    ("mongomock", "mongomock (the embedded database)"),
    ("fakeredis", "fakeredis (the embedded Redis stand-in)"),
]


def resident_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def main():
    start = resident_mb()
    print(f"{'the interpreter with gevent patched':64s} {start:6.1f} MB")
    for module, what in STACK:
        before = resident_mb()
        importlib.import_module(module)
        print(f"{what:64s} +{resident_mb() - before:5.1f}")
    print(f"{'the stack, imported':64s} {resident_mb():6.1f} MB")


if __name__ == "__main__":
    main()
