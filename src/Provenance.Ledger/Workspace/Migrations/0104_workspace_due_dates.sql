-- 0104: the workspace's overview (#21) asks which licenses and IRB approvals fall due within 90
-- days. Their expiry dates live in the events' data; this partial index over only the four event
-- types that carry one lets the overview find the few streams to fold instead of reading every
-- grant (126,000 of them in the 1,000,000-event benchmark ledger: 200 ms without it, 4 ms with it).
-- ISO dates compare correctly as text. An index changes no event: the log stays append-only.
CREATE INDEX events_due_on_idx ON {schema}.events (type, (data #>> '{terms,expiresOn}'))
    WHERE type IN ('license.granted', 'license.amended', 'irb.protocol-approved', 'irb.protocol-amended');
