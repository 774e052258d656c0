"""Socket.IO event handlers, one module per concern (chat, receipts, typing, presence, calls).

The server object is `backend2.extensions.socketio`, attached to the app in `create_app`.
"""
