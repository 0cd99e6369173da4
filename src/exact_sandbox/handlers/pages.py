"""HTML pages: the App Center and the OAuth login/consent flow (GET/POST /api/oauth2/auth).

Plain server-rendered HTML with accessible labels, so a person in Chromium and a Playwright test can
use them alike. Every user-supplied value is escaped.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode, urlsplit, urlunsplit

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from ..backend import AppError, Backend
from ..models import App, User

SESSION_COOKIE = "ExactSandboxSession"

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f9;color:#1d2733}
header{background:#e1251b;color:#fff;padding:12px 24px;font-weight:600}
main{max-width:760px;margin:24px auto;background:#fff;padding:24px;border-radius:6px;
box-shadow:0 1px 3px rgba(0,0,0,.15)}
label{display:block;margin:12px 0 4px}input[type=text],input[type=password],input[type=url]{width:100%;
padding:8px;box-sizing:border-box}button{margin-top:16px;padding:8px 16px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left}
.error{color:#b00020;font-weight:600}.secret{font-family:monospace;background:#f0f0f0;padding:2px 4px}
.note{color:#555;font-size:.9em}
"""


def page(title: str, body: str, status: int = 200) -> Response:
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} — Exact '
        f"Online sandbox</title><style>{_STYLE}</style></head><body><header>Exact Online sandbox</header>"
        f"<main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


# -- App Center --------------------------------------------------------------------------------
def _register_form(name: str = "", redirect_uri: str = "", error: str | None = None) -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return (
        f'<h2>Register an app</h2>{message}<form method="post" action="/appcenter/apps">'
        f'<label for="name">Name</label><input type="text" id="name" name="name" value="{escape(name)}" required>'
        f'<label for="redirect_uri">Redirect URI</label><input type="url" id="redirect_uri" name="redirect_uri" '
        f'value="{escape(redirect_uri)}" required placeholder="https://example.com/oauth/callback">'
        '<p class="note">Must be https; http is accepted only for localhost, *.localhost and 127.0.0.1.</p>'
        '<button type="submit">Register</button></form>'
    )


def _app_table(apps: list[App]) -> str:
    if not apps:
        return "<h2>Registered apps</h2><p>No apps registered yet.</p>"
    rows = "".join(
        f"<tr><td>{escape(a.name)}</td><td><code>{escape(a.client_id)}</code></td><td>{escape(a.redirect_uri)}</td>"
        f'<td><form method="post" action="/appcenter/apps/{escape(a.client_id)}/delete">'
        f'<button type="submit" aria-label="Delete {escape(a.name)}">Delete</button></form></td></tr>'
        for a in apps
    )
    return (
        "<h2>Registered apps</h2><table><thead><tr><th>Name</th><th>Client ID</th><th>Redirect URI</th>"
        f"<th></th></tr></thead><tbody>{rows}</tbody></table>"
    )


def index(backend: Backend, request: Request) -> Response:
    return redirect("/appcenter", 302)


def not_found() -> Response:
    return page("Not found", "<p>This page does not exist in the sandbox.</p>", 404)


def appcenter(backend: Backend, request: Request) -> Response:
    return page("App Center", _register_form() + _app_table(backend.list_apps()))


def appcenter_register(backend: Backend, request: Request) -> Response:
    name = request.form.get("name", "")
    redirect_uri = request.form.get("redirect_uri", "")
    try:
        app = backend.register_app(name, redirect_uri)
    except AppError as exc:
        return page("App Center", _register_form(name, redirect_uri, str(exc)) + _app_table(backend.list_apps()), 400)
    body = (
        f'<p role="status">App <strong>{escape(app.name)}</strong> is registered. Copy the secrets now.</p>'
        "<dl>"
        f'<dt>Client ID</dt><dd><span class="secret" id="client_id">{escape(app.client_id)}</span></dd>'
        f'<dt>Client secret</dt><dd><span class="secret" id="client_secret">{escape(app.client_secret)}</span></dd>'
        f'<dt>Webhook secret</dt><dd><span class="secret" id="webhook_secret">{escape(app.webhook_secret)}'
        "</span></dd>"
        f'<dt>Redirect URI</dt><dd id="redirect_uri">{escape(app.redirect_uri)}</dd></dl>'
        '<p><a href="/appcenter">Back to the App Center</a></p>'
    )
    return page("App registered", body, 201)


def appcenter_delete(backend: Backend, request: Request, client_id: str) -> Response:
    if not backend.delete_app(client_id):
        return page("App Center", f'<p class="error">No app with client ID {escape(client_id)}.</p>', 404)
    return redirect("/appcenter", 303)


# -- OAuth authorization -----------------------------------------------------------------------
def _hidden(params: dict[str, str]) -> str:
    return "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items())


def _login_form(params: dict[str, str], app: App, error: str | None = None, username: str = "") -> Response:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        f"<p><strong>{escape(app.name)}</strong> wants access to your Exact Online administrations.</p>"
        f'{message}<form method="post" action="/api/oauth2/auth">{_hidden(params)}'
        '<input type="hidden" name="action" value="login">'
        f'<label for="username">Username</label><input type="text" id="username" name="username" '
        f'value="{escape(username)}" autocomplete="username" required>'
        '<label for="password">Password</label><input type="password" id="password" name="password" '
        'autocomplete="current-password" required><button type="submit">Log in</button></form>'
        '<p class="note">Sandbox users: demo@exact.example / demo, filiaal@exact.example / filiaal.</p>'
    )
    return page("Log in", body)


def _consent(backend: Backend, params: dict[str, str], app: App, user: User) -> Response:
    divisions = "".join(f"<li>{escape(n)}</li>" for n in backend.division_names(user))
    body = (
        f"<p>Logged in as <strong>{escape(user.username)}</strong>.</p>"
        f"<p>Allow <strong>{escape(app.name)}</strong> to access these administrations?</p><ul>{divisions}</ul>"
        f'<form method="post" action="/api/oauth2/auth">{_hidden(params)}'
        '<button type="submit" name="action" value="allow">Allow</button> '
        '<button type="submit" name="action" value="cancel">Cancel</button></form>'
    )
    return page("Grant access", body)


def callback_url(redirect_uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(redirect_uri)
    query = urlencode(params)
    return urlunsplit(parts._replace(query=f"{parts.query}&{query}" if parts.query else query))


def authorize(backend: Backend, request: Request) -> Response:
    source = request.form if request.method == "POST" else request.args
    params = {name: source.get(name, "") for name in ("client_id", "redirect_uri", "response_type", "state")}
    app = backend.get_app(params["client_id"])
    if app is None:
        return page(
            "Unknown application",
            f"<p class=\"error\">The client ID '{escape(params['client_id'])}' is not registered.</p>",
            400,
        )
    if params["redirect_uri"] != app.redirect_uri:
        return page(
            "Invalid redirect",
            f"<p class=\"error\">Callback URI '{escape(params['redirect_uri'])}' is not valid</p>",
            400,
        )
    state = {"state": params["state"]} if params["state"] else {}
    if (params["response_type"] or "code") != "code":
        return redirect(callback_url(app.redirect_uri, {"error": "unsupported_response_type", **state}), 302)
    params["response_type"] = "code"
    user = backend.session_user(request.cookies.get(SESSION_COOKIE))
    if request.method == "GET":
        if user is None or request.args.get("force_login") == "1":
            return _login_form(params, app)
        return _consent(backend, params, app, user)
    action = request.form.get("action", "")
    if action == "login":
        username = request.form.get("username", "")
        found = backend.authenticate_user(username, request.form.get("password", ""))
        if found is None:
            return _login_form(params, app, "The user name or password is incorrect.", username)
        response = _consent(backend, params, app, found)
        response.set_cookie(SESSION_COOKIE, backend.open_session(found.username), httponly=True, samesite="Lax")
        return response
    if user is None:
        return _login_form(params, app)
    if action == "cancel":
        return redirect(callback_url(app.redirect_uri, {"error": "access_denied", **state}), 302)
    if action == "allow":
        code = backend.issue_code(app, app.redirect_uri, user)
        return redirect(callback_url(app.redirect_uri, {"code": code, **state}), 302)
    return page("Bad request", '<p class="error">Unknown action.</p>', 400)
