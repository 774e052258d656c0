"""Accounts as a whole: signing up and in, one's own profile, deleting and exporting an account,
moderation and reports. The top of the app's own services.
"""
