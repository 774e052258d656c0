"""The one presenter of people: what a viewer may see of each person, as new values.

Every profile, member, contact match, requester, caller and blocked user the server answers
with goes through `present_people`: the viewer is a required argument, privacy (services/people/privacy.py)
and online status are applied here in one presence lookup and at most one address-book query for
the whole batch, and the loaded documents are left as they were.
"""
from redis.exceptions import RedisError

from backend2.services.people import presence, privacy
from backend2.utils.user_settings import PROFILE_SETTINGS
from backend2.utils.views import OwnProfileView, PersonView


def present_people(viewer, users, **extra):
    """[PersonView or None] for `users` (None stays None) as `viewer` sees them; `extra`, {field:
    {user id: value}}, adds fields the caller knows (a contact's saved name)."""
    people = [user for user in users if user is not None]
    if not people:
        return list(users)
    shown = privacy.shown_to(viewer, people)
    online = _online_ids(people)
    views = {}
    for user in people:
        sees = shown[user.id]
        views[user.id] = PersonView(
            id=user.id, name=user.name, about=user.about,
            avatar=user.avatar if "photo" in sees else None,
            last_seen=user.last_seen if "lastSeen" in sees else None,
            online=str(user.id) in online and "online" in sees,
            **{field: values.get(user.id) for field, values in extra.items()})
    return [None if user is None else views[user.id] for user in users]


def present_person(viewer, user):
    return present_people(viewer, [user])[0]


def present_self(user):
    """The signed-in user's own profile: everything, their settings and contact details included."""
    own = present_people(user, [user])[0]
    return OwnProfileView(own, phone=user.phone, email=user.email, created_at=user.created_at,
                          updated_at=user.updated_at,
                          **{setting.field: getattr(user, setting.field) for setting in PROFILE_SETTINGS})


def _online_ids(users):
    """A profile must not fail for want of presence: everyone counts as offline while Redis is down."""
    try:
        return presence.online_user_ids({user.id for user in users})
    except RedisError:
        return set()
