"""Sign-up, login, logout, password reset, profile and API tokens."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from coworking.accounts import services
from coworking.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
)
from coworking.extensions import limiter
from coworking.forms import show_refusal
from coworking.transactions import unit_of_work

bp = Blueprint("accounts", __name__)

RESET_REQUESTED = (
    "If an account exists for that email, we've emailed a link to reset its password. "
    "The link works once, within the next hour."
)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot bounce a member to another site."""
    # Browsers drop tabs and newlines and read "\" as "/", so "/\t/evil.example" would
    # become "//evil.example": refuse anything with such characters outright.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
        and not any(ch.isspace() for ch in target)
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("hubs.index")


def _next_to_carry() -> str | None:
    """The safe ``next`` of this request, for the links between the login and sign-up pages
    (so "Book, log in, sign up" still ends at the booking); None when there is none."""
    target = request.args.get("next")
    return target if target and _safe_next(target) == target else None


def log_in(user) -> None:
    """A fresh session for this login: nothing from before survives (no session fixation)."""
    if current_user.is_authenticated:
        # Someone logging in over an open session: the old key must not stay usable.
        services.end_session(current_user.session_key)
    session.clear()
    services.start_session(user)
    login_user(user)


def _form_page(template: str, form, **context):
    """A page with a form: 200 when shown, 400 when a submission came back with errors."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


# --- sign-up, login, logout -----------------------------------------------------------------

@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.create_user(form.email.data, form.name.data, form.password.data)
                log_in(user)
        except services.AccountError as error:
            show_refusal(form, error)
        else:
            flash(f"Welcome, {user.first_name}. Your account is ready.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return _form_page("accounts/signup.html", form, next=_next_to_carry())


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
            with unit_of_work():
                log_in(user)
            flash(f"Welcome back, {user.first_name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return _form_page("accounts/login.html", form, next=_next_to_carry())


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    with unit_of_work():
        services.end_session(current_user.session_key)
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("accounts.login"))


# --- password reset -------------------------------------------------------------------------

@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.request_password_reset(form.email.data)
        flash(RESET_REQUESTED, "info")
        return redirect(url_for("accounts.login"))
    return _form_page("accounts/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if services.find_usable_reset(token) is None:
        return _reset_link_unusable()
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                log_in(services.complete_password_reset(token, form.password.data))
        except services.AccountError as error:
            if error.field is None:  # another request spent the link meanwhile
                return _reset_link_unusable()
            show_refusal(form, error)
        else:
            flash("Your password is changed and you are logged in.", "success")
            return redirect(url_for("accounts.profile"))
    return _form_page("accounts/reset_password.html", form)


def _reset_link_unusable():
    # 410 Gone for every link that cannot be used: expired, used, or never issued.
    return render_template("accounts/reset_unusable.html", message=services.RESET_LINK_UNUSABLE), 410


# --- profile --------------------------------------------------------------------------------

@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.update_profile(current_user, form.name.data, form.email.data)
        except services.AccountError as error:
            show_refusal(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.profile"))
    return _form_page("accounts/profile.html", form)


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.change_password_keeping_session(
                    current_user, form.current_password.data, form.password.data, current_user.session_key
                )
        except services.AccountError as error:
            show_refusal(form, error)
        else:
            flash("Your password is changed. Other browsers were logged out.", "success")
            return redirect(url_for("accounts.profile"))
    return _form_page("accounts/change_password.html", form)


# --- API tokens -----------------------------------------------------------------------------

@bp.route("/profile/tokens")
@login_required
def tokens():
    return _tokens_page(ApiTokenForm())


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form, status=400)
    with unit_of_work():
        token, raw = services.create_api_token(current_user, form.name.data)
    # Rendered, not redirected: the raw value must never sit in a cookie or a later page.
    response = _tokens_page(ApiTokenForm(formdata=None), new_token=token, raw_token=raw, status=201)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    with unit_of_work():
        token = services.revoke_api_token(current_user, token_id)
    if token is None:
        abort(404)
    flash(f"The token “{token.name}” is revoked. Programs using it are refused from now on.", "success")
    return redirect(url_for("accounts.tokens"))


def _tokens_page(form, *, status: int = 200, **context):
    page = render_template(
        "accounts/tokens.html", form=form, tokens=services.list_api_tokens(current_user), **context
    )
    return current_app.make_response((page, status))
