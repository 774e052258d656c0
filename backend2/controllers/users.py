from apifairy import authenticate, response
from flask import Blueprint

from backend2.middlewares.auth import current_auth, token_auth
from backend2.schemas.users import UserSchema

users_bp = Blueprint("users", __name__, url_prefix="/users")


@users_bp.get("/profile")
@authenticate(token_auth)
@response(UserSchema)
def profile():
    """The signed-in user's own profile"""
    return current_auth().user
