"""Push notifications: planning them for the devices without a socket, the queue, sending through FCM
and APNs, what they say, the devices registered for them, badges. Above calls (a ringing call is a
VoIP push).
"""
