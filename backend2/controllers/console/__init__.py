"""The moderator console at /console/: server-rendered pages for the people who act on reports
(docs/console.md). Thin like the REST controllers: a form or query string through its schema
(schemas/console.py), one service call, a template. Every page but the sign-in pages needs a
console session of a moderator (middlewares/console_guard.py), checked again on every click."""
from backend2.controllers.console import audit, overview, people, reports, sign_in  # noqa: F401  the routes
from backend2.controllers.console.blueprint import console_bp

__all__ = ["console_bp"]
