// Socket.IO load generator: pairs of clients send direct messages to each other.
// Input (argv[2]: a JSON file): {
//   clients: [{url, token, conversationId, peer}],   // peer: index of the client it sends to
//   senders: [index...],                             // which clients send (default: all)
//   messagesPerSender, window,                       // window: unacknowledged messages per sender
//   ackTimeoutMs, connectTimeoutMs, drainMs, holdMs }   // holdMs: idle wait after connecting
// Prints one JSON line: connections, sent, acked, delivered, duplicates, missing, errors,
// messagesPerSecond, latency percentiles in ms: latencyMs (send -> receive at the peer) and
// ackLatencyMs (send -> the sender's ack).
const fs = require("fs");
const { io } = require("socket.io-client");

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const clients = plan.clients;
const senders = plan.senders || clients.map((_, index) => index);
const perSender = plan.messagesPerSender ?? 20;
const windowSize = plan.window || 5;
const ackTimeoutMs = plan.ackTimeoutMs || 10000;
const latencies = [];
const ackLatencies = [];
const seen = new Set();
let duplicates = 0;
let delivered = 0;
let acked = 0;
let sent = 0;
const errors = {};

function note(kind) { errors[kind] = (errors[kind] || 0) + 1; }

function connectAll() {
  return Promise.all(clients.map((client, index) => new Promise((resolve) => {
    const socket = io(client.url, { auth: { token: client.token }, transports: ["websocket"], reconnection: false });
    client.socket = socket;
    const watchdog = setTimeout(() => { note("connect timeout"); resolve(false); }, plan.connectTimeoutMs || 30000);
    socket.on("connect", () => { clearTimeout(watchdog); resolve(true); });
    socket.on("connect_error", (error) => { clearTimeout(watchdog); note(`connect_error: ${error.message}`); resolve(false); });
    socket.on("message", (message) => {
      const tag = message.clientId;
      if (!tag || !tag.startsWith("load-") || message.from === client.id) return;
      if (seen.has(`${index}:${tag}`)) { duplicates += 1; return; }
      seen.add(`${index}:${tag}`);
      delivered += 1;
      latencies.push(Date.now() - Number(tag.split("-")[3]));
    });
    socket.on("disconnect", (reason) => { if (!client.closing) note(`disconnect: ${reason}`); });
  })));
}

async function runSender(index) {
  const client = clients[index];
  let next = 0;
  async function lane() {
    while (next < perSender) {
      const number = next++;
      const clientId = `load-${index}-${number}-${Date.now()}`;
      sent += 1;
      const emittedAt = Date.now();
      try {
        const answer = await client.socket.timeout(ackTimeoutMs).emitWithAck("message", {
          conversationId: client.conversationId, text: `load ${number}`, clientId,
        });
        ackLatencies.push(Date.now() - emittedAt);
        if (answer && answer.error) note(`ack error: ${answer.error.code}`); else acked += 1;
      } catch (error) {
        note(`ack timeout`);
      }
    }
  }
  await Promise.all(Array.from({ length: windowSize }, lane));
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const connectStarted = Date.now();
  const connected = (await connectAll()).filter(Boolean).length;
  const connectMs = Date.now() - connectStarted;
  if (plan.holdMs) {  // all connections held, idle: the runner measures the server's memory now
    console.error("held");
    await new Promise((r) => setTimeout(r, plan.holdMs));
  }
  const started = Date.now();
  await Promise.all(senders.map(runSender));
  const sendingMs = Date.now() - started;
  const expected = acked;
  const drainUntil = Date.now() + (plan.drainMs || 5000);
  while (delivered < expected && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  const elapsedMs = Date.now() - started;
  latencies.sort((a, b) => a - b);
  ackLatencies.sort((a, b) => a - b);
  for (const client of clients) { client.closing = true; client.socket.close(); }
  console.log(JSON.stringify({
    connections: connected, connectMs, sent, acked, delivered, duplicates, missing: expected - delivered, errors,
    sendingMs, elapsedMs, messagesPerSecond: Math.round(delivered / (elapsedMs / 1000)),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99),
                 max: latencies[latencies.length - 1] || null },
    ackLatencyMs: { p50: percentile(ackLatencies, 50), p95: percentile(ackLatencies, 95),
                    p99: percentile(ackLatencies, 99) },
  }));
  process.exit(0);
}

main();
