// The ceiling: a bare Node socket.io v4 relay with Backend2's `message` protocol and no
// database. The token is the user id; a conversation id is "<userA>:<userB>".
// Usage: PORT=5100 node relay.js
const { Server } = require("socket.io");

const io = new Server(Number(process.env.PORT || 5100), { cors: { origin: "*" } });
let sequence = 0;

io.on("connection", (socket) => {
  const userId = socket.handshake.auth && socket.handshake.auth.token;
  socket.join(`user:${userId}`);
  socket.on("message", (payload, ack) => {
    const message = {
      id: String(++sequence), conversationId: payload.conversationId, from: userId, sender: userId,
      text: payload.text, clientId: payload.clientId, createdAt: new Date().toISOString(),
    };
    io.to(payload.conversationId.split(":").map((id) => `user:${id}`)).emit("message", message);
    if (typeof ack === "function") ack(message);
  });
});
console.log(`relay listening on ${process.env.PORT || 5100}`);
