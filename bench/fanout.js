// Group fan-out receiver: many devices connect and count the group messages they receive.
// Input (argv[2]: a JSON file): { clients: [{url, token}], expect, timeoutMs }
// Writes "connected" on stderr once every client is connected (the driver then sends), and
// prints one JSON line: connected, received, missing, firstMs/lastMs (since "connected"),
// duplicates, errors.
const fs = require("fs");
const { io } = require("socket.io-client");

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const errors = {};
const seen = new Set();
let received = 0;
let duplicates = 0;
let connectedAt = 0;
let first = null;
let last = null;

function note(kind) { errors[kind] = (errors[kind] || 0) + 1; }

const sockets = plan.clients.map((client, index) => new Promise((resolve) => {
  const socket = io(client.url, { auth: { token: client.token }, transports: ["websocket"], reconnection: false });
  socket.on("connect", () => resolve(socket));
  socket.on("connect_error", (error) => { note(`connect_error: ${error.message}`); resolve(null); });
  socket.on("message", (message) => {
    if (!message.clientId || !message.clientId.startsWith("fanout-")) return;
    const key = `${index}:${message.id}`;
    if (seen.has(key)) { duplicates += 1; return; }
    seen.add(key);
    received += 1;
    const now = Date.now() - connectedAt;
    if (first === null) first = now;
    last = now;
  });
}));

Promise.all(sockets).then(async (connected) => {
  connectedAt = Date.now();
  process.stderr.write("connected\n");
  const expected = plan.expect * plan.clients.length;
  const until = Date.now() + (plan.timeoutMs || 60000);
  while (received < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  console.log(JSON.stringify({ connected: connected.filter(Boolean).length, received, missing: expected - received,
                               duplicates, firstMs: first, lastMs: last, errors }));
  connected.forEach((socket) => socket && socket.close());
  process.exit(0);
});
