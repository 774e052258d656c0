"""bcrypt hashing compatible with the Express servers' bcrypt/bcryptjs hashes."""
import bcrypt

BCRYPT_MAX_BYTES = 72  # bcrypt only reads this many bytes; bcryptjs silently cut the rest


def _secret(password):
    return password.encode("utf-8")[:BCRYPT_MAX_BYTES]


def hash_password(password, rounds):
    return bcrypt.hashpw(_secret(password), bcrypt.gensalt(rounds)).decode("ascii")


def check_password(password, password_hash):
    """True when `password` matches; False for a missing or malformed hash."""
    if not password_hash:
        return False
    try:
        return bcrypt.checkpw(_secret(password), password_hash.encode("ascii"))
    except ValueError:
        return False
