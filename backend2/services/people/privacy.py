"""Who sees what of a person: their last seen time, whether they are online, their profile
photo (`everyone`, `contacts`: the people in their synced address book, or `nobody`), and their
read receipts.

With read receipts off, a person's read cursor still moves for their own devices and unread
counts, but others see at most "delivered" from them, and they see no one's read state.
Nobody's own view of themselves is ever hidden. The settings themselves are in
utils/user_settings.py; services/people/presenter.py applies these rules to every person the server shows.
"""
from backend2.models import ContactBook, User

SHOWN = {"lastSeen": "last_seen_visibility", "online": "online_visibility", "photo": "photo_visibility"}


def _contacts_of(owner_ids, viewer_phone):
    """Those of `owner_ids` who have `viewer_phone` in their address book."""
    if not owner_ids or not viewer_phone:
        return set()
    return set(ContactBook.objects(user__in=list(owner_ids), entries__phone=viewer_phone).scalar("user"))


def shown_to(viewer, owners):
    """{owner id: {"lastSeen", "online", "photo"} the viewer may see of that owner}."""
    need_contacts = {o.id for o in owners if "contacts" in (getattr(o, a) for a in SHOWN.values())}
    contacts = _contacts_of(need_contacts, viewer.phone)
    shown = {}
    for owner in owners:
        if owner.id == viewer.id:
            shown[owner.id] = set(SHOWN)
            continue
        shown[owner.id] = {what for what, attribute in SHOWN.items()
                           if getattr(owner, attribute) == "everyone"
                           or (getattr(owner, attribute) == "contacts" and owner.id in contacts)}
    return shown


def watchers_shown(owner, watcher_ids):
    """{watcher id: what of `owner`'s presence (a User with its settings, or None when gone) they
    may see}, for presence events: no query when the owner shows it to everyone, as most do."""
    if owner is not None and all(getattr(owner, attribute) == "everyone" for attribute in SHOWN.values()):
        return {watcher: set(SHOWN) for watcher in watcher_ids}
    watchers = list(User.objects(id__in=list(watcher_ids)).only("id", "phone"))
    if owner is None:
        return {w.id: set() for w in watchers}
    contacts = {entry.phone for book in ContactBook.objects(user=owner.id) for entry in book.entries}
    return {w.id: {what for what, attribute in SHOWN.items()
                   if getattr(owner, attribute) == "everyone"
                   or (getattr(owner, attribute) == "contacts" and w.phone in contacts)} for w in watchers}


def hidden_readers(viewer_id, user_ids, known=None):
    """The users whose read state `viewer_id` may not see: all others when the viewer turned
    read receipts off, else those who did. `known` ({id: User}, holding all of them) spares the query."""
    others = [uid for uid in user_ids if uid != viewer_id]
    everyone = [viewer_id, *others]
    if known is not None and all(uid in known for uid in everyone):
        off = {uid for uid in everyone if not known[uid].read_receipts}
    else:
        off = set(User.objects(id__in=everyone, read_receipts=False).scalar("id"))
    return set(others) if viewer_id in off else off & set(others)


