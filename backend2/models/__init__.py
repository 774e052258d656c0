"""MongoEngine documents: persistence and indexes only, no rules."""
from backend2.models.audit_entry import AuditEntry
from backend2.models.call import Call
from backend2.models.chat_request import ChatRequest
from backend2.models.console_session import ConsoleSession
from backend2.models.contact_book import ContactBook, ContactEntry
from backend2.models.conversation import Conversation, PinnedMessage
from backend2.models.legacy_import import LegacyImport
from backend2.models.message import Attachment, Edit, Message, Reaction
from backend2.models.otp import Otp
from backend2.models.report import Report, ReportedMessage
from backend2.models.session import PushRegistration, Session
from backend2.models.star import Star
from backend2.models.upload import Upload
from backend2.models.user import User

ALL_MODELS = (User, Session, Otp, ContactBook, Conversation, ChatRequest, Message, Upload, Call, LegacyImport, Report,
              AuditEntry, Star, ConsoleSession)

__all__ = ["ALL_MODELS", "Attachment", "AuditEntry", "Call", "ChatRequest", "ConsoleSession", "ContactBook",
           "ContactEntry", "Conversation", "Edit", "LegacyImport", "Message", "Otp", "PinnedMessage", "PushRegistration", "Reaction",
           "Report", "ReportedMessage", "Session", "Star", "Upload", "User"]
