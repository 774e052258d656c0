"""Messages: sending, changing and reading them, how each viewer sees one, search, pins, reactions,
stars, forwards, the lines the server writes into chats. Above conversations.
"""
