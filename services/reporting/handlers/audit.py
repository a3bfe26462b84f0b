"""An auditor reads a case's history (DOMAIN: the full, verified history of any case, read-only;
every read is recorded).

The history is every event of the case across the services, in the order the store committed
them: the case's own stream, its referral's, the views of the victim's progress page, the records
of who read the case, the notifications its events caused, and the audits themselves. Each event's
hash is recomputed in its stream's chain (the store's ``verify``), so an altered one shows as such.
The state as at a moment is replayed from the case's events by reporting's own fold. Reporting
holds no keys: personal fields stay sealed throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID, uuid4

import asyncpg
import structlog

from services.reporting.adapters.audit import AuditIndex, CaseFound, EventsTable
from services.reporting.domain.audit import CaseAsAt, as_at, shown_fields
from shared.contracts.reporting import CaseHistoryAudited
from shared.envelope import Cause, new_event, open_event
from shared.eventstore.port import ANY_VERSION, Actor, ChainBreak, EventStore, RecordedEvent

log = structlog.get_logger()
View = Literal["page", "api"]


class NoKeys:
    """Reporting's sealing keys: none. What it records holds no personal data; were a personal field
    ever added, it would be recorded as erased rather than in clear."""

    async def key_for_sealing(self, subject_id: UUID) -> bytes | None:
        return None


@dataclass(frozen=True)
class AuditSources:
    store: EventStore
    index: AuditIndex

    @classmethod
    def on(cls, store: EventStore, pool: asyncpg.Pool) -> AuditSources:
        return cls(store, EventsTable(pool))


@dataclass(frozen=True)
class AuditedEvent:
    recorded: RecordedEvent
    check: str
    """``verified``, or the chain's finding for it: ``altered`` or ``reordered``."""
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CaseHistory:
    case: CaseFound
    events: list[AuditedEvent]
    findings: list[ChainBreak]
    """Everything the chains found in the streams read, missing events included."""
    state: CaseAsAt
    moment: datetime | None

    @property
    def altered(self) -> list[AuditedEvent]:
        return [event for event in self.events if event.check != "verified"]


def audit_stream(case_id: UUID) -> str:
    """Reporting's record of the audits of one case (category ``report``)."""
    return f"report-audit-{case_id}"


def streams_of(case: CaseFound) -> list[str]:
    return [f"case-{case.case_id}", f"referral-{case.referral_id}", f"progress-{case.referral_id}",
            f"access-{case.case_id}", audit_stream(case.case_id)]


async def record_audit(store: EventStore, case: CaseFound, auditor: str, view: View, moment: datetime | None) -> None:
    """Append the auditor's read to the case's audit stream, the auditor as its actor."""
    read = CaseHistoryAudited(case_id=case.case_id, case_reference=case.reference, view=view, at_moment=moment)
    cause = Cause.fresh(Actor("user", auditor, "auditor"))
    await store.append(audit_stream(case.case_id), [await new_event(read, cause, NoKeys(), event_id=uuid4())],
                       ANY_VERSION)


async def audit_case(sources: AuditSources, reference: str, auditor: str, view: View,
                     moment: datetime | None = None) -> CaseHistory | None:
    """The case's verified history and its state as at ``moment`` (now if None), the read recorded
    first (so it shows in what is read); None, recording nothing, when no case has ``reference``."""
    case = await sources.index.case_by_reference(reference)
    if case is None:
        return None
    await record_audit(sources.store, case, auditor, view, moment)
    store = sources.store
    read = {stream: await store.read_stream(stream) for stream in streams_of(case)}
    causes = [event.event_id for events in read.values() for event in events]
    for stream in await sources.index.streams_caused_by("notification", causes):
        read[stream] = await store.read_stream(stream)
    findings = [finding for stream in read for finding in await store.verify(stream)]
    problems = {(f.stream_id, f.stream_version): f.problem for f in findings if f.problem != "missing"}
    events = sorted((event for events in read.values() for event in events), key=lambda event: event.position)
    audited = [AuditedEvent(event, problems.get((event.stream_id, event.stream_version), "verified"),
                            tuple(shown_fields(event.data))) for event in events]
    state = as_at([step async for step in _case_history(read[f"case-{case.case_id}"])], moment)
    log.info("case history audited", case_id=str(case.case_id), auditor=auditor, view=view,
             events=len(audited), findings=len(findings))
    return CaseHistory(case, audited, findings, state, moment)


async def _case_history(events: list[RecordedEvent]):
    """The case's events as their contracts, with when each was recorded; an event that no longer
    reads as its contract (altered beyond it) is left out of the fold and shows in the list."""
    for recorded in events:
        try:
            envelope = await open_event(recorded, None)
        except Exception as error:  # any unreadable payload: logged, and left out of the fold
            log.warning("case event unreadable in audit", stream=recorded.stream_id,
                        version=recorded.stream_version, error=str(error)[:200])
            continue
        yield recorded.recorded_at, envelope.event
