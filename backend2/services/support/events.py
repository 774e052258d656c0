"""Domain events: what changed, as small immutable values that services hand to `announce`.

Each is built by the service from what it has in hand once the change is stored, and carries
what its receivers need, so none of them looks the change up again. Who hears each type is one
list, `backend2/receivers.py`, registered where the app is created; `services/support/announce.py`
runs them and keeps their failures from the request. Sockets deliver them
(`sockets/broadcasts.py`), so a change made over REST and the same change made over a socket
reach the apps through one path.

What delivery reads, once per event and never per recipient: a message event, the sender's copy
(`message_views.present_one`: the quoted message of a reply, and for a message already read,
who hides their reads), every other copy made from it and the message without reading; a
presence event, its audience (who shares a chat with the person, and what each may see of them:
`presence.watchers_of`, `privacy.watchers_shown`). The other events carry all their receivers
need. tests/api/test_database_commands.py counts these reads.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Optional


@dataclass(frozen=True, slots=True)
class MessageCreated:
    message: Any                      # as stored: its values (models/stored.py), or the Message of a retry
    conversation: Any                 # Conversation (its participants hear it)


@dataclass(frozen=True, slots=True)
class MessageEdited:
    message: Any
    conversation: Any


@dataclass(frozen=True, slots=True)
class MessageDeleted:
    message: Any
    conversation: Any
    scope: str                        # "me" (only the actor's devices), "everyone", or "expired" (its timer ran out)
    actor_id: Any                     # None when it expired


@dataclass(frozen=True, slots=True)
class LinkPreviewAdded:
    message: Any                      # with its linkPreview as stored now
    conversation: Any


@dataclass(frozen=True, slots=True)
class MessageReacted:
    message: Any                      # with its reactions as they are now
    conversation: Any
    user_id: Any
    emoji: str
    added: bool


@dataclass(frozen=True, slots=True)
class MessagePinned:
    message: Any
    conversation: Any                 # with its pins as they are now
    actor_id: Any


@dataclass(frozen=True, slots=True)
class MessageUnpinned:
    message: Any
    conversation: Any
    actor_id: Any


@dataclass(frozen=True, slots=True)
class GroupChanged:
    conversation: Any                 # the group (its members hear it)
    actor_id: Any
    action: str                       # group_created, members_added, member_removed, ...
    user_ids: tuple = ()              # whom the change is about
    changes: tuple = ()               # the settings a group_updated changed


@dataclass(frozen=True, slots=True)
class ConversationUpdated:
    conversation: Any                 # as it is now (every member hears it)
    actor_id: Any
    disappearing_seconds: Optional[int]   # the timer it was set to (None: off)


@dataclass(frozen=True, slots=True)
class ReceiptMoved:
    conversation: Any
    kind: str                         # "delivered" or "read"
    user_id: str
    up_to: datetime
    private: bool = False             # the reader turned read receipts off


@dataclass(frozen=True, slots=True)
class TypingChanged:
    conversation: Any
    user_id: Any
    typing: bool


@dataclass(frozen=True, slots=True)
class PresenceChanged:
    user_id: Any
    online: bool
    last_seen: Optional[datetime]
    owner: Any = None                 # the User, with its privacy settings, or None when gone


@dataclass(frozen=True, slots=True)
class ConversationSettingsChanged:
    conversation: Any
    user_id: str                      # whose settings (only their devices hear it)
    settings: Mapping


@dataclass(frozen=True, slots=True)
class SessionsEnded:
    sessions: tuple                   # ((session id, user id), ...)


@dataclass(frozen=True, slots=True)
class AccountDeleted:
    user_id: Any
    watchers: tuple = ()              # who shared a chat with them


@dataclass(frozen=True, slots=True)
class AccountSuspended:
    user_id: Any


@dataclass(frozen=True, slots=True)
class ExportReady:
    user_id: Any
    job_id: str
    url: str                          # the zip's upload link (signed when it is sent)


@dataclass(frozen=True, slots=True)
class DeviceGone:
    device_id: str                    # closed, or its process died
    user_id: Any = None


@dataclass(frozen=True, slots=True)
class CallEvent:
    name: str                         # call:invite, call:answer, call:candidate, call:hangup, ...
    payload: Mapping
    users: tuple = ()                 # every device of these users
    devices: tuple = ()               # and these single devices
    skip_device: Optional[str] = None
    after_ack: bool = False           # sent once the handler's ack is out
