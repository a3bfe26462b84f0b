"""Every word people read goes through a translation catalogue (Babel with Jinja2's i18n
extension), so a Welsh catalogue can follow without touching a template or a page.

The catalogues are the ``.po`` files under ``locale/``; they are compiled in memory when the
service starts (no ``.mo`` to keep in step with its ``.po``). After changing a text, refresh the
template and the English catalogue with ``python -m services.casework.web.catalogue``."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LOCALE = "en"


def N_(message: str) -> str:  # the conventional name the extractor looks for
    """Mark a text for the catalogue where it is defined; it is translated where it is shown."""
    return message


@cache
def translations(locale: str = DEFAULT_LOCALE) -> Translations:
    """The locale's catalogue, compiled from its ``.po`` file once per process."""
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def gettext(message: str, **values: object) -> str:
    """``message`` in the service's language, with ``%(name)s`` placeholders filled from ``values``."""
    text = translations().gettext(message)
    return text % values if values else text


