"""Database commands per operation, counted on the wire (pymongo command monitoring) against
the embedded database served by backend2.devdb. Deterministic, so tests: a query per
conversation or per participant, or a lookup the caches should spare, shows up here."""
import threading

import pytest
from pymongo import monitoring

from support.people import AppWorld

WRITES_AND_READS = {"find", "insert", "update", "delete", "aggregate", "count", "findAndModify", "distinct",
                    "getMore"}


class CommandLog(monitoring.CommandListener):
    """The database commands issued by this thread (the request's) while recording."""

    def __init__(self):
        self.commands, self.thread = [], None

    def started(self, event):
        if self.thread == threading.get_ident() and event.command_name in WRITES_AND_READS:
            self.commands.append((event.command_name, event.command.get(event.command_name)))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def during(self, action):
        """The commands `action()` issues, and its result."""
        self.commands, self.thread = [], threading.get_ident()
        try:
            result = action()
        finally:
            self.thread = None
        return self.commands, result


COMMANDS = CommandLog()
monitoring.register(COMMANDS)


@pytest.fixture(scope="module")
def devdb():
    from backend2.infra.devdb import SharedEmbeddedDatabase
    database = SharedEmbeddedDatabase(port=0)
    database.run()
    yield database
    database.close()


@pytest.fixture
def wire(make_app, otp_inbox, devdb):
    """An app on the wire database, with people in a chat: (app, world, me, ada, conversation id)."""
    import uuid
    app = make_app(use_redis=False, MONGODB_URI=f"{devdb.uri}/commands_{uuid.uuid4().hex[:8]}")
    world = AppWorld(app.test_client(), otp_inbox)
    me, ada = world.person("Me"), world.person("Ada")
    return app, world, me, ada, world.chat(me, ada)


def counted(action):
    commands, response = COMMANDS.during(action)
    return commands, response


def test_a_rest_send_takes_at_most_three_commands(wire):
    app, world, me, ada, conversation_id = wire
    world.say(me, conversation_id, "warm the caches")
    commands, response = counted(lambda: world.client.post(
        "/messages", headers=me.headers, json={"conversationId": conversation_id, "text": "counted"}))
    assert response.status_code == 201
    assert len(commands) <= 3, commands


@pytest.mark.parametrize("members", [2, 9])
def test_a_group_send_delivered_to_online_members_takes_the_same_commands_whatever_its_size(wire, members):
    """Delivery reads nothing per recipient: every copy is made from what the send has in hand."""
    from backend2.extensions import socketio
    app, world, me, ada, conversation_id = wire
    others = [world.person(f"Member {n}") for n in range(members)]
    for other in others:
        world.client.post("/contacts/sync", headers=me.headers, json={"phones": [other.phone]})
    group_id = world.client.post("/conversations", headers=me.headers, json={
        "type": "group", "name": "Team", "participants": [o.id for o in others]}).get_json()["id"]
    devices = [socketio.test_client(app, auth={"token": o.token}) for o in others]
    world.say(me, group_id, "warm the caches")
    commands, response = counted(lambda: world.client.post(
        "/messages", headers=me.headers, json={"conversationId": group_id, "text": f"@{others[0].id} counted"}))
    assert response.status_code == 201
    assert len(commands) <= 3, commands
    assert all(any(e["name"] == "message" and e["args"]["text"].endswith("counted") for e in d.get_received())
               for d in devices)
    for device in devices:
        device.disconnect()


def test_a_socket_send_takes_at_most_two_commands(wire):
    from backend2.extensions import socketio
    app, world, me, ada, conversation_id = wire
    device = socketio.test_client(app, auth={"token": me.token})
    device.emit("message", {"conversationId": conversation_id, "text": "warm"}, callback=True)
    commands, ack = counted(lambda: device.emit("message", {"conversationId": conversation_id, "text": "counted"},
                                                callback=True))
    assert ack["text"] == "counted"
    assert len(commands) <= 2, commands
    device.disconnect()


@pytest.mark.parametrize("up_to", ["now", "the message", "an ISO time"])
def test_a_receipt_takes_one_command_moved_or_not(wire, up_to):
    app, world, me, ada, conversation_id = wire
    sent = world.say(me, conversation_id)
    body = {"now": {}, "the message": {"upTo": sent["id"]}, "an ISO time": {"upTo": sent["createdAt"]}}[up_to]
    world.client.post(f"/conversations/{conversation_id}/delivered", headers=ada.headers, json={})
    for moves in (True, False):
        commands, response = counted(lambda: world.client.post(f"/conversations/{conversation_id}/read",
                                                               headers=ada.headers, json=body))
        assert response.get_json()["moved"] is (moves or up_to == "now"), response.get_json()
        assert len(commands) == 1, commands


@pytest.mark.parametrize("chats", [3, 12])
def test_a_conversation_page_takes_at_most_four_commands_whatever_its_size(wire, chats):
    app, world, me, ada, conversation_id = wire
    for _ in range(chats):
        other = world.person("Other")
        world.say(other, world.chat(other, me), "hi")
    group = world.client.post("/conversations", headers=me.headers,
                              json={"type": "group", "name": "G", "participants": [ada.id]}).get_json()["id"]
    world.say(ada, group, "@Me", mentions=[me.id])
    world.client.get("/conversations", headers=me.headers)
    commands, response = counted(lambda: world.client.get("/conversations?limit=50", headers=me.headers))
    assert len(response.get_json()["conversations"]) == chats + 2
    assert len(commands) <= 4, commands


def test_a_history_page_takes_at_most_two_commands(wire):
    app, world, me, ada, conversation_id = wire
    for i in range(30):
        world.say(me if i % 2 else ada, conversation_id, f"m{i}")
    world.client.get(f"/messages?conversationId={conversation_id}", headers=me.headers)
    commands, response = counted(lambda: world.client.get(f"/messages?conversationId={conversation_id}&limit=20",
                                                          headers=me.headers))
    assert len(response.get_json()["messages"]) == 20
    assert len(commands) <= 2, commands


def test_a_socket_connect_after_a_disconnect_takes_at_most_two_commands(wire):
    """The user read to authenticate (their last seen moved by the disconnect) is the one
    presence announces; the second command finds who shares a chat with them."""
    from backend2.extensions import socketio
    app, world, me, ada, conversation_id = wire
    socketio.test_client(app, auth={"token": me.token}).disconnect()
    commands, device = counted(lambda: socketio.test_client(app, auth={"token": me.token}))
    assert device.is_connected()
    assert len(commands) <= 2, commands
    device.disconnect()
