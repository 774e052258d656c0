"""One blueprint per resource; routes stay thin: schema in, service call, schema out."""
from backend2.controllers.auth import auth_bp
from backend2.controllers.health import health_bp
from backend2.controllers.users import users_bp
from backend2.database import ensure_indexes

DATA_BLUEPRINTS = (auth_bp, users_bp)
BLUEPRINTS = (health_bp, *DATA_BLUEPRINTS)

# Indexes exist before any data is touched, also when the database came up after us.
for _blueprint in DATA_BLUEPRINTS:
    _blueprint.before_request(ensure_indexes)
