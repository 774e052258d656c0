// Drives a running Backend2 with the official socket.io-client, as the Electron app does.
// Input (argv[2], JSON): {base, me: {token, id}, ada: {token, id}, conversationId}.
// Prints one JSON line of findings; exits non-zero on the first failure.
const { io } = require("socket.io-client");

const input = JSON.parse(process.argv[2]);
const findings = {};

function connect(token, options = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(input.base, { auth: { token }, transports: ["websocket"], reconnection: false, ...options });
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", (error) => reject(error));
  });
}

function next(socket, event, match = () => true, timeout = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeout}ms`)), timeout);
    const handler = (data) => {
      if (match(data)) {
        clearTimeout(timer);
        socket.off(event, handler);
        resolve(data);
      }
    };
    socket.on(event, handler);
  });
}

function check(condition, what) {
  if (!condition) throw new Error(`failed: ${what}`);
}

async function main() {
  const refused = await connect("not-a-token").then(() => null, (error) => error);
  check(refused && refused.data && refused.data.code === "invalid_token", "bad token is refused with a code");
  findings.refusedWith = refused.data.code;

  const watcher = await connect(input.ada.token);
  const onlineSeen = next(watcher, "presence", (p) => p.userId === input.me.id && p.online);
  const desktop = await connect(input.me.token);
  const secondDevice = await connect(input.me.token, { transports: ["polling"] });
  await onlineSeen;
  findings.presenceOnline = true;

  const arrived = next(watcher, "message");
  const onSecondDevice = next(secondDevice, "message");
  const ack = await desktop.timeout(5000).emitWithAck("message", {
    conversationId: input.conversationId, text: "from socket.io-client", clientId: "npm-1",
  });
  check(ack.id && ack._id === ack.id && ack.text === "from socket.io-client", "send is acked with the message");
  const received = await arrived;
  check(received.id === ack.id && received.content === "from socket.io-client", "other user receives it");
  check((await onSecondDevice).id === ack.id, "my other device receives it");
  findings.messageId = ack.id;

  const retry = await desktop.timeout(5000).emitWithAck("message", {
    conversationId: input.conversationId, text: "from socket.io-client", clientId: "npm-1",
  });
  check(retry.id === ack.id, "a retry with the same clientId returns the same message");

  const editSeen = next(watcher, "message_edited", (m) => m.id === ack.id);
  const edited = await desktop.timeout(5000).emitWithAck("message_edited", { id: ack.id, text: "edited" });
  check(edited.text === "edited" && (await editSeen).text === "edited", "edit reaches the other user");

  const readSeen = next(desktop, "read_up_to", (r) => r.userId === input.ada.id);
  const read = await watcher.timeout(5000).emitWithAck("read_up_to", { conversationId: input.conversationId });
  check(read.moved === true, "read cursor moves");
  check((await readSeen).conversationId === input.conversationId, "sender sees the read receipt");

  const typingSeen = next(watcher, "typing", (t) => t.userId === input.me.id);
  await desktop.timeout(5000).emitWithAck("typing", { conversationId: input.conversationId });
  await typingSeen;
  const stopSeen = next(watcher, "typing-stopped", (t) => t.userId === input.me.id);
  await desktop.timeout(5000).emitWithAck("typing-stopped", { conversationId: input.conversationId });
  await stopSeen;

  const deleteSeen = next(watcher, "message_deleted", (m) => m.id === ack.id);
  const deleted = await desktop.timeout(5000).emitWithAck("message_deleted", { id: ack.id });
  check(deleted.deleted === true && (await deleteSeen).scope === "everyone", "delete reaches the other user");

  const bad = await desktop.timeout(5000).emitWithAck("message", { text: { $gt: "" } });
  check(bad.error && bad.error.code === "validation_error" && desktop.connected, "bad payload gets an error ack");

  const asked = await desktop.timeout(5000).emitWithAck("presence", { userIds: [input.ada.id] });
  check(asked.users[0].online === true, "presence query");

  // A call: ring, a candidate held until the answer, the answer, candidates both ways, hang up.
  const ringing = next(watcher, "call:invite");
  const outgoingSeen = next(secondDevice, "call:outgoing");
  const invited = await desktop.timeout(5000).emitWithAck("call:invite", {
    to: input.ada.id, type: "audio", offer: { type: "offer", sdp: "v=0 npm-offer" },
  });
  check(invited.callId, "invite is acked with a call id");
  const invite = await ringing;
  check(invite.callId === invited.callId && invite.from.id === input.me.id && invite.offer.sdp === "v=0 npm-offer",
    "callee rings with the caller's profile and offer");
  check((await outgoingSeen).callId === invited.callId, "caller's other device learns of the call");
  await desktop.timeout(5000).emitWithAck("call:candidate", { callId: invited.callId, candidate: { candidate: "early" } });
  const answerSeen = next(desktop, "call:answer");
  const heldSeen = next(watcher, "call:candidate", (c) => c.candidate.candidate === "early");
  await watcher.timeout(5000).emitWithAck("call:answer", { callId: invited.callId, answer: { type: "answer", sdp: "v=0 a" } });
  check((await answerSeen).answer.sdp === "v=0 a", "caller receives the answer");
  await heldSeen;
  const relayed = next(desktop, "call:candidate", (c) => c.candidate === "from-callee");
  await watcher.timeout(5000).emitWithAck("call:candidate", { callId: invited.callId, candidate: "from-callee" });
  await relayed;
  const hungUp = next(watcher, "call:hangup", (h) => h.callId === invited.callId);
  await desktop.timeout(5000).emitWithAck("call:hangup", { callId: invited.callId });
  findings.callEndedWith = (await hungUp).reason;

  const offlineSeen = next(watcher, "user-status-changed", (s) => s.userId === input.me.id && s.status === "offline");
  desktop.disconnect();
  secondDevice.disconnect();
  findings.lastSeen = (await offlineSeen).lastSeen;
  watcher.disconnect();
  console.log(JSON.stringify({ ok: true, ...findings }));
}

main().then(() => process.exit(0), (error) => {
  console.log(JSON.stringify({ ok: false, error: String(error && error.message || error), ...findings }));
  process.exit(1);
});
