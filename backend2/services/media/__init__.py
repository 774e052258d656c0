"""Files: their types, where they are stored (disk or S3), images made from them, uploads and their
attachment to messages and avatars. Above people (an upload is shared only with whoever may see it).
"""
