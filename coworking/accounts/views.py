"""Sign-up, login, logout, password reset, profile and API tokens."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from coworking.accounts import services
from coworking.accounts.forms import LoginForm
from coworking.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot bounce a member to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("hubs.index")


def log_in(user) -> None:
    """A fresh session for this login: nothing from before survives (no session fixation)."""
    session.clear()
    services.start_session(user)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            # One message for an unknown email and a wrong password: never reveal which.
            form.password.errors.append("Email or password is not right.")
        else:
            log_in(user)
            db.session.commit()
            flash(f"Welcome back, {user.first_name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" or not form.errors else 400


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_session(current_user.session_key)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("accounts.login"))
