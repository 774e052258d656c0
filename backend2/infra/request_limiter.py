"""Flask-Limiter's Limiter, except that its teardown leaves alone a request it kept nothing for.

Flask-Limiter resets its per-request state in a teardown of every request context, and reading
that state makes it first (a LimiterContext: a list, a dict and an ordered set, 5.5 µs). Every
Socket.IO event runs in a request context of its own that no limit of Flask-Limiter looks at
(sockets spend services/support/rate_budgets.py), so each event made that state only to clear
it. A request that did keep state has it reset as before.
"""
from flask_limiter import Limiter
from flask_limiter._compat import request_context

_STATE = "_limiter_request_context"  # where Limiter.context keeps a request's state


class RequestLimiter(Limiter):
    def _Limiter__release_context(self, _=None):  # the teardown Limiter.init_app registers
        if hasattr(request_context(), _STATE):
            super()._Limiter__release_context(_)
