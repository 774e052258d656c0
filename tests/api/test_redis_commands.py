"""Redis commands per operation, as the real Redis received them (MONITOR): a command per
conversation or per participant shows up here. Deterministic, so tests."""
import pytest

from support.people import AppWorld
from support.redis_monitor import RedisCommands

pytestmark = pytest.mark.redis


@pytest.mark.parametrize("chats", [3, 12])
def test_a_conversation_page_takes_at_most_eight_redis_commands_whatever_its_size(make_app, otp_inbox, chats):
    world = AppWorld(make_app(use_redis=True).test_client(), otp_inbox)
    me, ada = world.person("Me"), world.person("Ada")
    for _ in range(chats):
        other = world.person("Other")
        world.say(other, world.chat(other, me), "hi")
    world.client.post("/conversations", headers=me.headers, json={"type": "group", "name": "G",
                                                                  "participants": [ada.id]})
    world.client.get("/conversations", headers=me.headers)  # the scripts loaded, as in a running server
    with RedisCommands() as seen:
        response = world.client.get("/conversations?limit=50", headers=me.headers)
    assert len(response.get_json()["conversations"]) == chats + 1
    presence = [command for command in seen.commands if ":presence:" in command]
    assert len(presence) == 1, seen.commands  # every participant's presence in one command
    assert len(seen.commands) <= 8, seen.commands
