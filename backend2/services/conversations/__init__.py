"""Conversations: finding them, direct chats, groups and their rules, invite links, each member's
settings, receipts, typing, chat requests from strangers. Above media (a group's avatar is an
upload).
"""
