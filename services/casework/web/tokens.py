"""CSRF protection of every casework form (DESIGN D10), with the shared tokens
(``shared.web.csrf``): the visitor cookie is casework's own, and so is the key's purpose. The
cookie is made before sign-in, so the sign-in form is protected as well."""

from __future__ import annotations

from shared.web.csrf import Csrf

CSRF_COOKIE = "rj_casework_csrf"
CSRF = Csrf(cookie=CSRF_COOKIE, purpose="casework csrf token")
csrf_token, keep_visitor, csrf_ok = CSRF.token, CSRF.keep, CSRF.ok
