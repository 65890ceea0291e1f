"""Account rules: users, login sessions, API tokens, password resets."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from coworking.accounts.models import ApiToken, AuthSession, PasswordReset, User
from coworking.errors import DomainError
from coworking.extensions import db
from coworking.mail import queue_mail, render_mail
from coworking.types import utcnow
from coworking.urls import external_url

MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 120
EMAIL_TAKEN = "An account with this email already exists. Try logging in."
RESET_LINK_UNUSABLE = "This reset link has expired or was already used. Ask for a new one."
API_TOKEN_PREFIX = "cw_"
# Used when the email is unknown, so a failed login costs the same time either way.
_DUMMY_HASH_CACHE: dict[str, str] = {}


class AccountError(DomainError):
    """A rule about accounts was broken; ``field`` names the form field to show it beside."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    """The normalised email, or AccountError if it is not a plausible address."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(f"Enter a valid email address ({error}).", "email") from error
    return normalise_email(email)


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Use at least {MIN_PASSWORD_LENGTH} characters for your password.", "password"
        )


def check_name(name: str) -> str:
    """The name without surrounding spaces, or AccountError if it is empty or too long."""
    name = (name or "").strip()
    if not name:
        raise AccountError("Enter your name.", "name")
    if len(name) > MAX_NAME_LENGTH:
        raise AccountError(f"Use at most {MAX_NAME_LENGTH} characters for your name.", "name")
    return name


def hash_secret(value: str) -> str:
    """Tokens are long random strings, so a fast hash is enough (no brute force is possible)."""
    return hashlib.sha256(value.encode()).hexdigest()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, name: str, password: str, *, is_admin: bool = False) -> User:
    """A new active user. Raises AccountError for a taken or malformed email or a weak password."""
    email = check_email(email)
    check_password(password)
    name = check_name(name)
    if find_user_by_email(email) is not None:
        raise AccountError(EMAIL_TAKEN, "email")
    user = User(email=email, name=name, password_hash=hash_password(password), is_admin=is_admin)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError as error:
        # Two sign-ups with one email at the same moment: the unique index decides.
        raise AccountError(EMAIL_TAKEN, "email") from error
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if email and password match an active account; None otherwise, in equal time."""
    user = find_user_by_email(email)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH_CACHE:
            _DUMMY_HASH_CACHE[method] = generate_password_hash("not-a-password", method=method)
        check_password_hash(_DUMMY_HASH_CACHE[method], password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def update_profile(user: User, name: str, email: str) -> None:
    """Change the user's name and email; the email stays unique whatever its case."""
    name = check_name(name)
    email = check_email(email)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise AccountError(EMAIL_TAKEN, "email")
    user.name = name
    user.email = email
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password once the current one is confirmed."""
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError("Your current password is not right.", "current_password")
    check_password(new)
    user.password_hash = hash_password(new)


def change_password_keeping_session(user: User, current: str, new: str, session_key: str | None) -> None:
    """Change the password and log out every other browser, keeping the one in use."""
    change_password(user, current, new)
    end_other_sessions(user, keep_key=session_key)


# --- login sessions -------------------------------------------------------------------------

def start_session(user: User) -> str:
    """Record a new login; the returned key goes in the cookie (only its hash is stored)."""
    key = secrets.token_urlsafe(32)
    db.session.add(AuthSession(user_id=user.id, key_hash=hash_secret(key)))
    db.session.flush()
    user.session_key = key
    return key


def user_for_session(key: str) -> User | None:
    auth_session = db.session.scalar(
        sa.select(AuthSession).where(AuthSession.key_hash == hash_secret(key or ""))
    )
    if auth_session is None or not auth_session.user.active:
        return None
    user = auth_session.user
    user.session_key = key
    return user


def end_session(key: str) -> None:
    """Log out one browser: its cookie stops working even if someone kept a copy."""
    db.session.execute(sa.delete(AuthSession).where(AuthSession.key_hash == hash_secret(key or "")))


def end_other_sessions(user: User, keep_key: str | None) -> None:
    """After a password change or reset, every other browser is logged out."""
    query = sa.delete(AuthSession).where(AuthSession.user_id == user.id)
    if keep_key:
        query = query.where(AuthSession.key_hash != hash_secret(keep_key))
    db.session.execute(query)


# --- API tokens -----------------------------------------------------------------------------

def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token; the raw value is returned once and never stored."""
    name = (name or "").strip() or "API token"
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:80], token_hash=hash_secret(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.flush()
    return token, raw


def list_api_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included."""
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_api_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when the id is not theirs (or unknown)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


# A token's last use is written at most this often: a busy integration should not turn every
# GET into a write (the API's revalidation layer leaves a poll to Flask when a write is due).
API_TOKEN_USE_RECORDED_EVERY = timedelta(minutes=1)


def user_for_api_token(raw: str, now: datetime | None = None) -> User | None:
    """The owner of a live token, with their hub roles, from one statement; notes when it was
    last used (at most once every ``API_TOKEN_USE_RECORDED_EVERY``)."""
    query = (
        sa.select(ApiToken)
        .join(ApiToken.user)
        .outerjoin(User.roles)
        .options(contains_eager(ApiToken.user).contains_eager(User.roles))
        .where(ApiToken.token_hash == hash_secret(raw or ""), ApiToken.revoked_at.is_(None), User.active.is_(True))
    )
    token = db.session.scalars(query).unique().first()
    if token is None:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > API_TOKEN_USE_RECORDED_EVERY:
        token.last_used_at = now
    return token.user


# --- password reset -------------------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Email a single-use link if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    raw = secrets.token_urlsafe(32)
    ttl = timedelta(seconds=current_app.config["PASSWORD_RESET_TTL_SECONDS"])
    db.session.add(
        PasswordReset(user_id=user.id, token_hash=hash_secret(raw), expires_at=utcnow() + ttl)
    )
    link = external_url("accounts.reset_password", token=raw)
    queue_mail(user.email, *render_mail("mail/accounts/password_reset.txt", user=user, link=link))


def find_usable_reset(raw: str, now: datetime | None = None) -> PasswordReset | None:
    """The unused, unexpired reset of an active user that this link names, or None."""
    reset = db.session.scalar(
        sa.select(PasswordReset).where(PasswordReset.token_hash == hash_secret(raw or ""))
    )
    if reset is None or not reset.is_usable(now or utcnow()) or not reset.user.active:
        return None
    return reset


def complete_password_reset(raw: str, new_password: str) -> User:
    """Set the new password, spend the link and log out every browser of that user."""
    reset = find_usable_reset(raw)
    if reset is None:
        raise AccountError(RESET_LINK_UNUSABLE)
    check_password(new_password)
    _mark_reset_used(reset)
    reset.user.password_hash = hash_password(new_password)
    end_other_sessions(reset.user, keep_key=None)
    return reset.user


def _mark_reset_used(reset: PasswordReset) -> None:
    # A conditional UPDATE, so two requests racing with the same link cannot both use it:
    # the second waits for the first's row lock and then matches nothing.
    spent = db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        raise AccountError(RESET_LINK_UNUSABLE)
