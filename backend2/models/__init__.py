"""MongoEngine documents: persistence and indexes only, no rules."""
from backend2.models.otp import Otp
from backend2.models.session import Session
from backend2.models.user import User

ALL_MODELS = (User, Session, Otp)
