// A desktop device on npm socket.io-client: connects with a token, says so, then prints the
// first `message` event whose text is argv[4] and exits; exits non-zero on a refusal or timeout.
// Usage: node listen.js <base url> <token> <text>
const { io } = require("socket.io-client");

const [base, token, text] = process.argv.slice(2);
const socket = io(base, { auth: { token }, transports: ["websocket"], reconnection: false });
const timer = setTimeout(() => { console.log(JSON.stringify({ error: "timeout" })); process.exit(1); }, 20000);

socket.on("connect", () => console.log(JSON.stringify({ connected: true })));
socket.on("connect_error", (error) => {
  console.log(JSON.stringify({ error: error.message, code: error.data && error.data.code }));
  process.exit(1);
});
socket.on("message", (message) => {
  if (message.text !== text) return;
  clearTimeout(timer);
  console.log(JSON.stringify({ message }));
  socket.close();
  process.exit(0);
});
