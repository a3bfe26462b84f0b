"""Signing in and out of casework: the shared pages (``shared.web.signin``) in casework's layout,
with its form check and the words of its catalogue."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from services.casework.web.i18n import N_, gettext
from services.casework.web.pages import checked_form, page
from shared.web.signin import signin_router

MESSAGES = (N_("Enter a correct username and password"),
            N_("There have been too many failed attempts to sign in. You can try again at %(time)s."))
"""The shared sign-in's messages, marked here so that casework's catalogue keeps them."""


def sign_in_page(request: Request, status_code: int, /, **context: Any) -> Response:
    return page(request, "login.html", status_code, **context)


router = signin_router(sign_in_page, checked_form, gettext=gettext)
