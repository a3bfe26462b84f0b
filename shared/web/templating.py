"""Jinja set-up every service's human pages share: its own templates, the shared layout, and the
GOV.UK Frontend macros (DESIGN D9). Plumbing only: no service's wording or rules live here."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape

SHARED_TEMPLATES = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static" / "rj"
STATIC_URL = "/static/rj"


def environment(service_template_dir: Path) -> Environment:
    """A Jinja environment that looks in the service's folder first, then the shared layouts, then
    the ``govuk_frontend_jinja/...`` macros. Autoescaping is on for every template."""
    loader = ChoiceLoader([
        FileSystemLoader(service_template_dir),
        FileSystemLoader(SHARED_TEMPLATES),
        # The macros import one another as "govuk_frontend_jinja/components/...": hence the prefix.
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
    ])
    env = Environment(loader=loader, autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["static_url"] = STATIC_URL
    return env


def templates(service_template_dir: Path) -> Jinja2Templates:
    """FastAPI's template renderer over :func:`environment`."""
    return Jinja2Templates(env=environment(service_template_dir))


def mount_static(app: FastAPI) -> None:
    """Serve the compiled GOV.UK/MOJ Frontend assets from the service itself (no CDN)."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
