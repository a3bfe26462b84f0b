"""Keeping the catalogue in step with the pages: every text marked in the templates and the page
code (and the phrases of the timeline and deadlines in ``handlers``, which the pages translate) is
extracted into ``locale/messages.pot``; the English catalogue holds each one as itself.

After changing a text, run ``.venv/bin/python -m services.casework.web.catalogue``: it rewrites
the template and adds new texts to ``en`` (removing those no longer used). Other languages are
updated from the template with ``pybabel update`` and translated by people. A test fails while a
text is missing from the English catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from services.casework.web.i18n import LOCALE_DIR

WEB = Path(__file__).parent
KEYWORDS = {"_": None, "gettext": None, "N_": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
HANDLERS = WEB.parent / "handlers"
HANDLER_METHODS = [("timeline.py", "python"), ("case_view.py", "python")]
"""The use cases whose phrases the pages show (marked with ``N_`` there)."""


def extracted() -> Catalog:
    """Every text the templates and the page code mark for translation, and the handlers' phrases."""
    catalog = Catalog(project="rj casework", domain="messages")
    for folder, methods, prefix in ((WEB, METHODS, ""), (HANDLERS, HANDLER_METHODS, "../handlers/")):
        for filename, lineno, message, comments, context in extract_from_dir(
                folder, methods, options_map=OPTIONS, keywords=KEYWORDS, comment_tags=("Translators:",)):
            catalog.add(message, None, [(prefix + filename, lineno)], auto_comments=comments, context=context)
    return catalog


def english(catalog: Catalog) -> Catalog:
    """The English catalogue: each text as itself."""
    done = Catalog(locale="en", project=catalog.project, domain="messages")
    for message in catalog:
        if message.id:
            done.add(message.id, message.id, message.locations, context=message.context)
    return done


def po(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def main() -> None:
    catalog = extracted()
    for path, content in ((LOCALE_DIR / "messages.pot", catalog), (po("en"), english(catalog))):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, content, width=120, omit_header=False, sort_output=True)


if __name__ == "__main__":
    main()
