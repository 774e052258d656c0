"""Socket.IO event handlers, one module per concern (chat, receipts, typing, presence, calls).

Importing this package registers every handler on `backend2.extensions.socketio`, and the
shutdown hook. It must happen before `socketio.init_app`, which hands the registered handlers
to each new server. `broadcasts` delivers what services announce; its receivers are
registered by create_app (backend2/receivers.py), not by importing it.
"""
from backend2.sockets import (  # noqa: F401
    background, calls, chat, connection, message_actions, presence, receipts, shutdown, typing,
)
