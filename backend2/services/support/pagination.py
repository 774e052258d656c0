"""Page-number pagination for querysets: `{page, limit, total, hasMore}`."""


def paginate(queryset, page, limit):
    """The items on `page` (1-based) and the pagination block that describes them."""
    total = queryset.count()
    items = list(queryset.skip((page - 1) * limit).limit(limit))
    return items, {"page": page, "limit": limit, "total": total, "hasMore": page * limit < total}
