"""Finding people: by id (either id the person has), and by name or number for search."""
import re

from mongoengine import Q

from backend2.errors import Codes, NotFound
from backend2.models import User
from backend2.services.people.blocks import blocked_between, hidden_user_ids
from backend2.services.support.pagination import paginate
from backend2.utils.ids import parse_object_id

MIN_PHONE_DIGITS_TO_SEARCH = 3


def find_user(user_id):
    """The user with this id, or None."""
    return User.find_one_raw({"_id": user_id})


def visible_user(viewer, user_id):
    """The user with this id as `viewer` may see them; 404 if unknown or blocked either way."""
    oid = parse_object_id(user_id)
    user = User.by_id_or_legacy_id(oid) if oid else None
    if user is None or (user.id != viewer.id and blocked_between(viewer, user.id)):
        raise NotFound("User not found", code=Codes.USER_NOT_FOUND)
    return user


def search_users(viewer, query, page, limit):
    """Other users whose name contains `query`, or whose number contains its digits."""
    hidden = hidden_user_ids(viewer) | {viewer.id}
    users = User.objects(id__nin=list(hidden), deleted_at=None)
    query = (query or "").strip()
    if query:
        condition = Q(name__icontains=query)
        digits = re.sub(r"\D", "", query)
        if len(digits) >= MIN_PHONE_DIGITS_TO_SEARCH:
            condition |= Q(phone__contains=digits)
        users = users.filter(condition)
    return paginate(users.order_by("name", "id"), page, limit)


def user_id_or_404(user_id):
    """The id of the user `user_id` names (either id they have); 404 if none."""
    oid = parse_object_id(user_id)
    user = User.by_id_or_legacy_id(oid) if oid else None
    if user is None:
        raise NotFound("User not found", code=Codes.USER_NOT_FOUND)
    return user.id
