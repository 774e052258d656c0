"""Socket.IO event handlers, one module per concern (chat, receipts, typing, presence, calls).

Importing this package registers every handler on `backend2.extensions.socketio`, and the
broadcasts and the shutdown hook. It must happen before `socketio.init_app`, which hands the
registered handlers to each new server. `background` brings the push planner, whose
listeners queue pushes for what services announce.
"""
from backend2.sockets import (  # noqa: F401
    background, broadcasts, calls, chat, connection, message_actions, presence, receipts, shutdown, typing,
)
