"""The rules, one module per domain, shared by REST controllers and socket handlers."""
