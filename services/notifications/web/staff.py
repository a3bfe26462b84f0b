"""Staff pages of the notifications service (``shared.web.staff``), for supervisors and admins:

- /mail: the email a local mail catcher caught (``rj up`` sets ``RJ_MAIL_FOLDER``), newest first,
  each message's plain text only (escaped; the HTML part is never shown as HTML); without a
  folder, a page saying the email goes to the SMTP server and nothing is kept here;
- /failures: the notifications that failed for good, from their read model (no personal data).

Both are paged: a folder or a table can hold thousands."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from services.notifications.adapters.mailcatcher import newest_caught
from services.notifications.projections.failures import failures_page
from services.notifications.settings import Settings
from shared.identity.tokens import Principal
from shared.web.app import service_runtime
from shared.web.csrf import Csrf
from shared.web.staff import StaffPages

PAGE_SIZE = 50
STAFF = StaffPages(Path(__file__).parent / "templates", service="Restorative justice notifications",
                   home="/mail", roles=("supervisor", "admin"),
                   csrf=Csrf(cookie="rj_notifications_staff_csrf", purpose="notifications staff csrf token"),
                   sections=(("/mail", "Email caught"), ("/failures", "Failed notifications")))
Staff = Annotated[Principal, Depends(STAFF.principal)]
router = APIRouter(include_in_schema=False)


def page_number(request: Request) -> int:
    """The ``page`` asked for (1 if it is missing or not a whole number of at least 1)."""
    given = request.query_params.get("page", "")
    return int(given) if given.isdigit() and 0 < int(given) < 1_000_000 else 1


def paging(request: Request, number: int, total: int) -> dict[str, Any]:
    """What the page's list shows of the whole, and its previous and next links."""
    last = max(1, -(-total // PAGE_SIZE))
    link = f"{request.url.path}?page="
    return {"number": number, "last": last, "total": total, "first_shown": (number - 1) * PAGE_SIZE + 1,
            "last_shown": min(total, number * PAGE_SIZE),
            "previous": {"href": f"{link}{number - 1}"} if number > 1 else None,
            "next": {"href": f"{link}{number + 1}"} if number < last else None}


@router.get("/mail")
async def mail(request: Request, principal: Staff) -> HTMLResponse:
    settings: Settings = service_runtime(request).settings  # type: ignore[assignment]  # the service's own
    if not settings.mail_folder:
        return STAFF.render(request, "mail_not_kept.html", principal=principal, smtp_host=settings.smtp_host)
    number = page_number(request)
    total, messages = await asyncio.to_thread(newest_caught, Path(settings.mail_folder),
                                              (number - 1) * PAGE_SIZE, PAGE_SIZE)
    return STAFF.render(request, "mail.html", principal=principal, messages=messages,
                        paging=paging(request, number, total))


@router.get("/failures")
async def failures(request: Request, principal: Staff) -> HTMLResponse:
    number = page_number(request)
    total, rows = await failures_page(service_runtime(request).pool, (number - 1) * PAGE_SIZE, PAGE_SIZE)
    return STAFF.render(request, "failures.html", principal=principal, failures=rows,
                        paging=paging(request, number, total))
