"""Typing indicators: relayed, never stored; the server stops them after TYPING_TTL_SECONDS."""
import time

from flask import current_app

from backend2.models import Conversation
from backend2.services.conversations.lookup import membership_for
from backend2.services.support import deadlines, rate_budgets
from backend2.services.support.announce import announce
from backend2.services.support.events import TypingChanged


def _key(conversation_id, user_id):
    return f"{conversation_id}|{user_id}"


def start_typing(user, conversation_id):
    """Announce that `user` types; (re)arms the automatic stop. Returns the conversation."""
    rate_budgets.spend("typing", user.id)
    conversation = membership_for(user, conversation_id)
    due = time.time() + current_app.config["TYPING_TTL_SECONDS"]
    deadlines.schedule("typing", _key(conversation.id, user.id), due)
    announce(TypingChanged(conversation, user.id, True))
    return conversation


def stop_typing(user_id, conversation_id):
    """Announce the stop, once: only if the indicator was still on."""
    if deadlines.cancel("typing", _key(conversation_id, user_id)):
        _announce_stop(conversation_id, user_id)


@deadlines.handles("typing")
def _typing_expired(key):
    conversation_id, _, user_id = key.partition("|")
    _announce_stop(conversation_id, user_id)


def _announce_stop(conversation_id, user_id):
    conversation = Conversation.objects(id=conversation_id).only("id", "participants").first()
    if conversation is not None:
        announce(TypingChanged(conversation, user_id, False))
