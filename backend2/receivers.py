"""Who hears each event, in the order they run: the one list, registered by create_app.

`services/support/announce.py` runs them and isolates their failures; `services/support/events.py` says what
each event carries. A module that handles an event is added here, never by importing it.
"""
from backend2.services.calls import ringing
from backend2.services.messages import system_messages
from backend2.services.push import push_planner
from backend2.services.support.announce import receivers_of
from backend2.services.support.events import (
    AccountDeleted,
    AccountSuspended,
    CallEvent,
    ConversationSettingsChanged,
    ConversationUpdated,
    DeviceGone,
    ExportReady,
    GroupChanged,
    LinkPreviewAdded,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    MessagePinned,
    MessageReacted,
    MessageUnpinned,
    PresenceChanged,
    ReceiptMoved,
    SessionsEnded,
    TypingChanged,
)
from backend2.sockets import broadcasts

RECEIVERS = [
    # messages: the live copies first, then the pushes for devices without a socket
    (MessageCreated, broadcasts.on_message_created),
    (MessageCreated, push_planner.on_message_created),
    (MessageEdited, broadcasts.on_message_edited),
    (MessageEdited, push_planner.on_message_edited),
    (MessageDeleted, broadcasts.on_message_deleted),
    (MessageDeleted, push_planner.on_message_deleted),
    (LinkPreviewAdded, broadcasts.on_link_preview_added),
    (MessageReacted, broadcasts.on_message_reacted),
    (MessagePinned, broadcasts.on_message_pinned),
    (MessageUnpinned, broadcasts.on_message_unpinned),
    # conversations: a line in the chat for every group change (itself a MessageCreated)
    (GroupChanged, system_messages.on_group_changed),
    (ReceiptMoved, broadcasts.on_receipt_moved),
    (ReceiptMoved, push_planner.on_receipt_moved),
    (TypingChanged, broadcasts.on_typing_changed),
    (ConversationSettingsChanged, broadcasts.on_conversation_settings_changed),
    # the disappearing timer: every member's devices, then the line in the chat
    (ConversationUpdated, broadcasts.on_conversation_updated),
    (ConversationUpdated, system_messages.on_conversation_updated),
    # people and their devices
    (PresenceChanged, broadcasts.on_presence_changed),
    (SessionsEnded, broadcasts.on_sessions_ended),
    (AccountDeleted, broadcasts.on_account_deleted),
    (AccountSuspended, broadcasts.on_account_suspended),
    (DeviceGone, ringing.device_left),
    (ExportReady, broadcasts.on_export_ready),
    (ExportReady, push_planner.on_export_ready),
    # calls: the signal to the devices, then the ring for devices without a socket
    (CallEvent, broadcasts.on_call_event),
    (CallEvent, push_planner.on_call_event),
]


def register_receivers(app):
    """Give `app` the receivers above (again: nothing is added twice)."""
    receivers = receivers_of(app)
    for event_type, receiver in RECEIVERS:
        receivers.add(event_type, receiver)
    return receivers
