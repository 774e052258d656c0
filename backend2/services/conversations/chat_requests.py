"""Chat requests: how a user reaches someone who is not in their contacts."""
from mongoengine import NotUniqueError, Q

from backend2.errors import Codes, Conflict, Forbidden, NotFound, ValidationFailed
from backend2.models import ChatRequest, User
from backend2.services.conversations.direct import direct_conversation_for, may_chat_without_request, participant_key
from backend2.services.people import presenter
from backend2.services.people.blocks import hidden_user_ids
from backend2.services.people.contacts import has_contact
from backend2.services.people.directory import visible_user
from backend2.services.support import rate_budgets
from backend2.utils.ids import parse_object_id
from backend2.utils.time import utcnow
from backend2.utils.views import Presented


def send_request(user, target_id, message):
    """A pending request to `target_id`: (request, created). A request already waiting from
    the other side is accepted instead; our own pending one is returned as it is."""
    other = visible_user(user, target_id)
    if other.id == user.id:
        raise ValidationFailed("You cannot send a chat request to yourself", code=Codes.CANNOT_CHAT_WITH_SELF)
    if may_chat_without_request(user, other):
        raise Conflict("You can already chat with this user", code=Codes.CHAT_REQUEST_NOT_NEEDED)
    key = participant_key(user.id, other.id)
    theirs = ChatRequest.objects(pending_key=key, sender=other.id).first()
    if theirs is not None:  # they asked first: asking back is accepting
        accept_request(user, theirs.id)
        return ChatRequest.objects(id=theirs.id).get(), False
    if not other.requests_from_strangers and not has_contact(other, user.phone):
        raise Forbidden("This user takes chat requests only from people in their contacts", code=Codes.REQUESTS_CLOSED)
    rate_budgets.spend("chat_requests", user.id)
    try:
        request = ChatRequest(sender=user.id, to=other.id, message=message, pending_key=key).save()
        return request, True
    except NotUniqueError:
        pending = ChatRequest.objects(pending_key=key).first()
    if pending is None:  # answered between our insert and this read: it is no longer needed
        raise Conflict("You can already chat with this user", code=Codes.CHAT_REQUEST_NOT_NEEDED)
    if pending.sender == user.id:
        return pending, False
    accept_request(user, pending.id)
    return ChatRequest.objects(id=pending.id).get(), False


def _respond(user, request_id, status):
    """Move a pending request addressed to `user` to `status`, exactly once."""
    oid = parse_object_id(request_id)
    request = ChatRequest.objects(id=oid, to=user.id, status="pending").modify(
        set__status=status, unset__pending_key=True, set__responded_at=utcnow(), set__updated_at=utcnow(), new=True
    ) if oid else None
    if request is None:
        _explain_refusal(user, oid, "Only the recipient may answer a chat request")
    return request


def _explain_refusal(user, oid, not_yours_message):
    existing = ChatRequest.objects(id=oid).first() if oid else None
    if existing is None or user.id not in (existing.sender, existing.to):
        raise NotFound("Chat request not found", code=Codes.CHAT_REQUEST_NOT_FOUND)
    if existing.status != "pending":
        raise Conflict(f"This chat request was already {existing.status}", code=Codes.CHAT_REQUEST_CLOSED)
    raise Forbidden(not_yours_message, code=Codes.NOT_ALLOWED)


def accept_request(user, request_id):
    """Accept, and return the direct conversation (created if needed)."""
    oid = parse_object_id(request_id)
    addressed = ChatRequest.objects(id=oid, to=user.id).only("sender").first() if oid else None
    if addressed is not None:
        visible_user(user, addressed.sender)  # blocked either way: nothing changes
    request = _respond(user, request_id, "accepted")
    sender = visible_user(user, request.sender)
    conversation, _ = direct_conversation_for(user, sender)
    ChatRequest.objects(id=request.id).update_one(set__conversation=conversation.id)
    return conversation


def reject_request(user, request_id):
    return _respond(user, request_id, "rejected")


def cancel_request(user, request_id):
    oid = parse_object_id(request_id)
    request = ChatRequest.objects(id=oid, sender=user.id, status="pending").modify(
        set__status="cancelled", unset__pending_key=True, set__responded_at=utcnow(), new=True
    ) if oid else None
    if request is None:
        _explain_refusal(user, oid, "Only the sender may cancel a chat request")
    return request


def list_requests(user, direction, status):
    """The user's requests, newest first, each with `other_user` (as the user sees them) and `direction`."""
    incoming, outgoing = Q(to=user.id), Q(sender=user.id)
    where = {"incoming": incoming, "outgoing": outgoing}.get(direction, incoming | outgoing)
    requests = list(ChatRequest.objects(where, status=status).order_by("-created_at"))
    hidden = hidden_user_ids(user)
    others = User.objects(id__in=[r.sender if r.to == user.id else r.to for r in requests])
    shown = {person["id"]: person for person in presenter.present_people(user, list(others))}
    visible = []
    for request in requests:
        other_id = request.sender if request.to == user.id else request.to
        if other_id in hidden or other_id not in shown:
            continue
        visible.append(Presented(request, other_user=shown[other_id],
                                 direction="incoming" if request.to == user.id else "outgoing"))
    return visible
