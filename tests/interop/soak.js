// Soak driver: many npm socket.io-client devices chatting for a fixed time, as the apps do.
// Input (argv[2], a JSON file): {clients: [{urls: [url, otherUrl], token, id, peerId, conversationId}],
//   durationMs, drainMs, sendEveryMs, reconnectChance}
// Each device sends to its peer (window 1, retrying with the same clientId after a failure),
// acks delivery in bulk and reads now and then, types, reads over REST, and sometimes drops
// its connection and comes back on the other server process, catching up over REST as the apps
// do; a device whose connection ends (also after the sending stops) does the same. Writes to
// the file argv[3], as JSON: per client {id, acked: {clientId: id}, received: [clientId],
// errors, hops, retried: [clientId acked only after a retry], dropped: [why a connection
// ended that the device did not close]}.
const fs = require("fs");
const { io } = require("socket.io-client");

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const endAt = Date.now() + plan.durationMs;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (ms) => ms / 2 + Math.random() * ms;

function open(client, url) {
  return new Promise((resolve) => {
    const socket = io(url, { auth: { token: client.token }, transports: ["websocket"], reconnection: false });
    const give = (ok) => { clearTimeout(watchdog); resolve(ok ? socket : null); };
    const watchdog = setTimeout(() => { socket.close(); give(false); }, 15000);
    socket.on("connect", () => give(true));
    socket.on("connect_error", () => give(false));
    socket.on("disconnect", (reason) => { if (reason !== "io client disconnect") client.dropped.push(reason); });
    socket.on("message", (message) => {
      if (message.from !== client.peerId || !message.clientId) return;
      client.received.add(message.clientId);
      if (client.received.size % 5 === 0) socket.emit("delivered", { conversationId: client.conversationId });
      if (Math.random() < 0.2) socket.emit("read_up_to", { conversationId: client.conversationId });
    });
  });
}

async function rest(client, path) {
  const response = await fetch(`${client.urls[0]}${path}`, { headers: { Authorization: `Bearer ${client.token}` } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return response.json();
}

async function catchUp(client) {
  for (let page = 1; ; page += 1) {
    const body = await rest(client, `/messages?conversationId=${client.conversationId}&limit=100&page=${page}`);
    for (const message of body.messages) if (message.from === client.peerId) client.received.add(message.clientId);
    if (!body.pagination.hasMore) return;
  }
}

async function connect(client) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const socket = await open(client, client.urls[(client.hops + attempt) % 2]);
    if (socket) return socket;
    client.errors.push("connect failed");
    await sleep(500);
  }
  throw new Error("could not connect");
}

// As the apps do when their connection is gone (or, now and then, to move to the other
// process): connect again and catch up over REST until that works.
async function rejoin(client) {
  client.socket.close();
  client.hops += 1;
  client.socket = await connect(client);
  for (;;) {
    try {
      return await catchUp(client);
    } catch (error) {
      client.errors.push(`catch up: ${error.message}`);
      await sleep(1000);
    }
  }
}

async function run(client) {
  Object.assign(client, { acked: {}, received: new Set(), errors: [], hops: 0, sent: 0, retried: [], dropped: [] });
  client.socket = await connect(client);
  let pending = null;
  let tick = 0;
  while (Date.now() < endAt) {
    await sleep(jitter(plan.sendEveryMs));
    tick += 1;
    const clientId = pending || `soak-${client.id}-${client.sent}`;
    try {
      const ack = await client.socket.timeout(15000).emitWithAck("message", {
        conversationId: client.conversationId, text: clientId, clientId,
      });
      if (ack.error) throw new Error(ack.error.code);
      client.acked[clientId] = ack.id;
      if (pending) client.retried.push(clientId);
      client.sent += 1;
      pending = null;
    } catch (error) {
      client.errors.push(`send: ${error.message}`);
      pending = clientId;  // the retry carries the same clientId
    }
    if (tick % 3 === 0) {
      client.socket.emit("typing", { conversationId: client.conversationId });
      client.socket.emit("typing-stopped", { conversationId: client.conversationId });
    }
    if (tick % 4 === 0) await rest(client, "/conversations?limit=5").catch((e) => client.errors.push(e.message));
    if (!client.socket.connected || Math.random() < plan.reconnectChance) await rejoin(client);
  }
}

async function main() {
  await Promise.all(plan.clients.map(run));
  // Drain: until every device holds every message acked to its peer, or drainMs passes
  // (events may queue behind a busy server; what is still missing then is reported).
  const byId = new Map(plan.clients.map((client) => [client.id, client]));
  const missing = () => plan.clients.some((client) =>
    Object.keys(byId.get(client.peerId).acked).some((clientId) => !client.received.has(clientId)));
  for (const started = Date.now(); missing() && Date.now() - started < plan.drainMs;) {
    await Promise.all(plan.clients.filter((client) => !client.socket.connected).map(rejoin));
    await sleep(200);
  }
  for (const client of plan.clients) client.socket.close();
  fs.writeFileSync(process.argv[3], JSON.stringify(plan.clients.map((client) => ({
    id: client.id, acked: client.acked, received: [...client.received], errors: client.errors, hops: client.hops,
    retried: client.retried, dropped: client.dropped,
  }))));
}

main().then(() => process.exit(0), (error) => { console.error(String(error && error.stack || error)); process.exit(1); });
