"""A line in the chat for every group change ("Alice added Bob") and every change of a chat's
disappearing-message timer, as both apps show them.

A `type: "system"` message from the person who made the change, with `system: {action, actorId,
userIds, changes}` for apps that draw their own text, and the text in English for those that
show it as it is. It is stored and announced like any message, so history, sync and every
device have it; it counts in no unread count and pushes nothing. `on_group_changed` is the
receiver of GroupChanged (backend2/receivers.py): persist, then announce, so a failure here is
announce's to log and never undoes the change it describes.
"""
from backend2.models import User
from backend2.services.messages.sending import store
from backend2.utils.time import describe_duration, utcnow

SETTING_NAMES = {"name": "the group name", "avatar": "the group photo", "description": "the group description",
                 "only_admins_can_send": "who can send messages", "only_admins_can_pin": "who can pin messages"}
TEXTS = {
    "group_created": "{actor} created the group",
    "members_added": "{actor} added {users}",
    "member_removed": "{actor} removed {users}",
    "member_left": "{actor} left",
    "member_joined": "{actor} joined using an invite link",
    "admin_added": "{actor} made {users} an admin",
    "admin_removed": "{actor} removed {users} as an admin",
    "group_updated": "{actor} changed {changes}",
    "disappearing_changed": "{actor} set disappearing messages to {duration}",
    "disappearing_off": "{actor} turned off disappearing messages",
}


def on_group_changed(event):
    store(_entry(event.conversation, event.actor_id, event.action, list(event.user_ids), list(event.changes)),
          event.conversation)


def on_conversation_updated(event):
    """The disappearing timer: "Ada set disappearing messages to 7 days", or turned them off."""
    seconds = event.disappearing_seconds
    entry = _entry(event.conversation, event.actor_id, "disappearing_changed", [], ["disappearing_seconds"],
                   text_key="disappearing_changed" if seconds else "disappearing_off",
                   duration=describe_duration(seconds) if seconds else "")
    entry["system"]["disappearingSeconds"] = seconds
    store(entry, event.conversation)


def _entry(conversation, actor_id, action, user_ids, changes, text_key=None, duration=""):
    names = {u.id: u.name or "Someone" for u in User.objects(id__in=[actor_id, *user_ids]).only("id", "name")}
    text = TEXTS[text_key or action].format(actor=names.get(actor_id, "Someone"),
                                            users=_listed([names.get(uid, "someone") for uid in user_ids]),
                                            changes=_listed([SETTING_NAMES.get(field, field) for field in changes]),
                                            duration=duration)
    now = utcnow()
    return dict(conversation=conversation.id, sender=actor_id, type="system", text=text,
                system={"action": action, "actorId": actor_id, "userIds": user_ids, "changes": changes},
                created_at=now, updated_at=now)


def _listed(items):
    """"Bob", "Bob and Carol", "Bob, Carol and Dan"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
