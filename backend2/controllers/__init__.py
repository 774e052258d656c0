"""One blueprint per resource; routes stay thin: schema in, service call, schema out."""
from backend2.controllers.admin import admin_bp
from backend2.controllers.auth import auth_bp
from backend2.controllers.calls import calls_bp
from backend2.controllers.chat_requests import chat_requests_bp
from backend2.controllers.console import console_bp
from backend2.controllers.contacts import contacts_bp
from backend2.controllers.conversations import conversations_bp
from backend2.controllers.forwarding import forwarding_bp
from backend2.controllers.health import health_bp
from backend2.controllers.invites import invites_bp
from backend2.controllers.message_pins import message_pins_bp
from backend2.controllers.message_search import message_search_bp
from backend2.controllers.messages import messages_bp
from backend2.controllers.metrics import metrics_bp
from backend2.controllers.reactions import reactions_bp
from backend2.controllers.reports import reports_bp
from backend2.controllers.stars import stars_bp
from backend2.controllers.uploads import uploads_bp
from backend2.controllers.users import users_bp
from backend2.database import ensure_indexes

DATA_BLUEPRINTS = (auth_bp, users_bp, contacts_bp, conversations_bp, invites_bp, chat_requests_bp, messages_bp,
                   message_search_bp, stars_bp, reactions_bp, forwarding_bp, message_pins_bp, uploads_bp, calls_bp,
                   reports_bp, admin_bp, console_bp)
BLUEPRINTS = (health_bp, metrics_bp, *DATA_BLUEPRINTS)

# Indexes exist before any data is touched, also when the database came up after us.
for _blueprint in DATA_BLUEPRINTS:
    _blueprint.before_request(ensure_indexes)
