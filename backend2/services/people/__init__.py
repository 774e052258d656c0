"""People: who they are to each other (contacts, blocks), what they let others see (privacy, presence,
the presenter every person leaves through), their sessions and one-time codes. Above support only.
"""
