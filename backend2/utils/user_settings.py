"""Every user setting, named once: its stored field, its names in the apps' JSON, its default and
the values it takes.

`privacy_name` is its name in `GET/PATCH /users/me/settings`, `profile_name` its name in the
profile (`GET/PATCH /users/me`); a setting with both can be read and changed under either. The
model's fields, both PATCH routes' schemas, the profile, the export and the services read this
table, so a setting added here appears everywhere at once.
"""
from typing import NamedTuple

AUDIENCE = ("everyone", "contacts", "nobody")
FLAG = (True, False)


class Setting(NamedTuple):
    field: str
    db_field: str
    privacy_name: str | None
    profile_name: str | None
    default: object
    values: tuple
    description: str

    @property
    def names(self):
        return tuple(dict.fromkeys(name for name in (self.privacy_name, self.profile_name) if name))


SETTINGS = (
    Setting("last_seen_visibility", "lastSeenVisibility", "lastSeen", None, "everyone", AUDIENCE,
            "who sees when I was last online"),
    Setting("online_visibility", "onlineStatusVisibility", "onlineStatus", None, "everyone", AUDIENCE,
            "who sees that I am online"),
    Setting("photo_visibility", "profilePhotoVisibility", "profilePhoto", None, "everyone", AUDIENCE[:2],
            "who sees my profile photo"),
    Setting("read_receipts", "readReceipts", "readReceipts", None, True, FLAG,
            "others see my reads (off: at most 'delivered', and I see no one's reads)"),
    Setting("push_previews", "pushPreviews", "previewsInPush", "pushPreviews", True, FLAG,
            "pushes show the sender and text; else only 'New message'"),
    Setting("requests_from_strangers", "requestsFromStrangers", "requestsFromStrangers", "requestsFromStrangers",
            True, FLAG, "false: chat requests only from my contacts"),
    Setting("badge_includes_muted", "badgeIncludesMuted", None, "badgeIncludesMuted", True, FLAG,
            "the badge counts muted chats' unread messages"),
    Setting("mentions_bypass_mute", "mentionsBypassMute", None, "mentionsBypassMute", True, FLAG,
            "a mention in a muted group still pushes"),
    Setting("link_previews", "linkPreviews", "linkPreviews", "linkPreviews", True, FLAG,
            "the server makes a preview card of the first link in what I send"),
)
BY_FIELD = {setting.field: setting for setting in SETTINGS}
PRIVACY_SETTINGS = tuple(setting for setting in SETTINGS if setting.privacy_name)
PROFILE_SETTINGS = tuple(setting for setting in SETTINGS if setting.profile_name)


def by_names(user):
    """Every setting under each of its names, as the export writes them."""
    return {name: getattr(user, setting.field) for setting in SETTINGS for name in setting.names}
