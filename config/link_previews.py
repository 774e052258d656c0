"""Link preview settings: whether the server fetches previews of links in messages, and for how
long a fetched preview is kept (backend2/services/messages/link_previews.py)."""


def read_link_preview_settings(config, get, boolean):
    config.LINK_PREVIEWS_ENABLED = boolean(get("LINK_PREVIEWS_ENABLED", "false"))
    config.LINK_PREVIEW_CACHE_SECONDS = int(get("LINK_PREVIEW_CACHE_SECONDS", 86400))
    config.LINK_PREVIEW_ALLOW_PRIVATE = boolean(get("LINK_PREVIEW_ALLOW_PRIVATE", "false"))


def link_preview_problems(config):
    """What keeps the link preview settings from being safe here; empty when all is well."""
    found = []
    if config.LINK_PREVIEW_CACHE_SECONDS <= 0:
        found.append("LINK_PREVIEW_CACHE_SECONDS must be positive")
    if config.LINK_PREVIEW_ALLOW_PRIVATE and config.APP_ENV == "production":
        found.append("LINK_PREVIEW_ALLOW_PRIVATE=true would let anyone's link reach this network's own "
                     "addresses (it is for tests and development only)")
    return found
