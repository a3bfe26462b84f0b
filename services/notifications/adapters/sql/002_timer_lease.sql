-- A timer being worked is leased, not locked: the claim is a short statement, the work (reading
-- streams, talking to a provider) happens outside any transaction, and a worker that dies leaves
-- a lease that runs out, after which the timer is taken again.
ALTER TABLE notifications.timers ADD COLUMN leased_until timestamptz;
