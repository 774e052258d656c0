"""Domain events. Services announce what changed; the socket layer delivers it.

Services never emit Socket.IO events themselves, so a change made over REST and the same
change made over a socket reach the apps through one path (`backend2/sockets/broadcasts.py`).
"""
from blinker import Namespace

_events = Namespace()

message_created = _events.signal("message-created")      # sender: Message; conversation
message_edited = _events.signal("message-edited")        # sender: Message; conversation
message_deleted = _events.signal("message-deleted")      # sender: Message; conversation, scope, actor_id
message_reacted = _events.signal("message-reacted")      # sender: Message; conversation, user_id, emoji, added
message_pinned = _events.signal("message-pinned")        # sender: Message; conversation, actor_id
message_unpinned = _events.signal("message-unpinned")    # sender: Message; conversation, actor_id
group_changed = _events.signal("group-changed")          # sender: Conversation (its members hear it);
#                                                           actor_id, action, user_ids, changes
receipt_moved = _events.signal("receipt-moved")          # sender: Conversation; kind, user_id, up_to,
#                                                           private (the reader turned read receipts off)
typing_changed = _events.signal("typing-changed")        # sender: Conversation; user_id, typing
presence_changed = _events.signal("presence-changed")    # sender: user id; online, last_seen, owner (the
#                                                           User, with its privacy settings, or None)
conversation_settings_changed = _events.signal("conversation-settings-changed")  # sender: Conversation;
#                                                           user_id, settings
sessions_ended = _events.signal("sessions-ended")        # sender: None; sessions [(session id, user id)]
account_deleted = _events.signal("account-deleted")    # sender: user id; watchers (who shared a chat)
account_suspended = _events.signal("account-suspended")  # sender: user id
device_gone = _events.signal("device-gone")              # sender: device id; user_id (closed or crashed)
call_event = _events.signal("call-event")                # sender: event name; payload, users, devices,
#                                                           skip_device, after_ack (send once the ack is out)
