-- Followers are woken by the appending client after its commit (PostgresEventStore's announcer),
-- no longer by a trigger inside the appending transaction: PostgreSQL serialises the commits of all
-- transactions that NOTIFY (a cluster-wide lock held through the commit's WAL flush), so concurrent
-- appends could not share a flush. See docs/decisions/0007.
DROP TRIGGER events_appended ON eventstore.events;
DROP FUNCTION eventstore.notify_appended();
