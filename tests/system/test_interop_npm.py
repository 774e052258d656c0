"""The Electron app's own Socket.IO library (npm socket.io-client v4) against the real server."""
import json
import subprocess
from pathlib import Path

import pytest

from support.people import open_chat

pytestmark = pytest.mark.redis
INTEROP = Path(__file__).parents[1] / "interop"


def test_socket_io_client_connects_sends_receives_edits_deletes_and_sees_receipts_typing_presence_calls(live_server):
    if not (INTEROP / "node_modules" / "socket.io-client").exists():
        pytest.fail("tests/interop/node_modules is missing: run `npm ci --prefix tests/interop` (make test does)")
    me, ada = live_server.register(name="Desk"), live_server.register(name="Ada")
    conversation_id = open_chat(live_server.base, me, ada)
    scenario = {"base": live_server.base, "conversationId": conversation_id,
                "me": {"token": me.token, "id": me.id}, "ada": {"token": ada.token, "id": ada.id}}
    run = subprocess.run(["node", str(INTEROP / "interop.js"), json.dumps(scenario)],
                         capture_output=True, text=True, timeout=60)
    result = json.loads(run.stdout.strip().splitlines()[-1]) if run.stdout.strip() else {"stderr": run.stderr}
    assert run.returncode == 0 and result["ok"], result
    assert result["refusedWith"] == "invalid_token" and result["lastSeen"].endswith("Z")
    assert result["callEndedWith"] == "ended"
