"""Calls: ringing, answering and ending them on every device and process, their live state, their
history, and the ICE servers. Above messages (a call leaves a line in the chat).
"""
