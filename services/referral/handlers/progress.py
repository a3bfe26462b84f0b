"""The victim's progress link: staff revoke it; every view of the page is recorded; a link is
checked against the referral's revocations."""

from __future__ import annotations

from services.referral.domain.commands import RecordProgressView, RevokeProgressLink
from services.referral.domain.decide import decide_revoke_link
from services.referral.domain.state import REFERRAL, ReferralState, progress_stream, referral_stream
from services.referral.handlers.dependencies import Dependencies
from shared.commands import Executed, execute, load
from shared.contracts.referral import ProgressPageViewed
from shared.crypto.links import LinkClaims
from shared.crypto.sealing import OpeningKeys
from shared.envelope import Cause, new_event
from shared.eventstore.port import ANY_VERSION
from shared.identity.accounts import Accounts
from shared.identity.contact import opened_email


async def revoke_progress_link(command: RevokeProgressLink, cause: Cause, deps: Dependencies) -> Executed:
    """Every link made so far stops working (recorded in the referral's stream, with the reason)."""
    now = deps.clock()
    return await execute(deps.store, referral_stream(command.referral_id), REFERRAL,
                         lambda state: decide_revoke_link(command, state, now), cause, deps.keys)


async def record_progress_view(command: RecordProgressView, cause: Cause, deps: Dependencies) -> None:
    """One event per view, in the referral's progress stream (never the referral's own)."""
    event = await new_event(ProgressPageViewed(referral_id=command.referral_id, stage=command.stage), cause, deps.keys)
    await deps.store.append(progress_stream(command.referral_id), [event], ANY_VERSION)


async def link_stands(claims: LinkClaims, deps: Dependencies) -> bool:
    """True if the link's referral exists and no revocation came at or after the link was made."""
    state: ReferralState = (await load(deps.store, referral_stream(claims.subject_id), REFERRAL)).state
    if not state.received:
        return False
    return state.links_revoked_at is None or claims.issued_at > state.links_revoked_at


async def facilitator_contact(accounts: Accounts, keys: OpeningKeys, username: str) -> dict[str, str | None] | None:
    """The facilitator's name and work email for the victim's page, while their account is enabled
    (someone who has left is not offered); the email is opened with the service's keys."""
    if found := await accounts.contacts(usernames=[username]):
        [(name, contact)] = found.values()
        return {"name": name, "email": await opened_email(contact, keys)}
    account = await accounts.get(username)
    return {"name": account.display_name, "email": None} if account and account.enabled else None
