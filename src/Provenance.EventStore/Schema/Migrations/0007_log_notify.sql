-- 0007 (#15): every commit that moves the log's head notifies the channel '<schema>.log' with the
-- new head position, so the background work of every instance (projections, the Merkle tree) wakes
-- on appends instead of polling the database. A notification is delivered at commit, never for an
-- append that rolled back; group commit makes it one per batch of appends, not one per append.
CREATE FUNCTION {schema}.notify_log_appended() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '.log', NEW.position::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER log_head_notify
    AFTER UPDATE OF position ON {schema}.log_head
    FOR EACH ROW WHEN (NEW.position > OLD.position)
    EXECUTE FUNCTION {schema}.notify_log_appended();
