-- 0009 (#22): append_batch plans its statements once per session, not once per call. PL/pgSQL
-- caches each statement's plan, but a statement with parameters is re-planned for each call's
-- values (a "custom plan") until the server judges a generic plan no worse; the append statement
-- (five data-modifying steps over the request arrays) never was judged so, and planning it cost
-- about half of a lone append. Measured through pgbench on the 1,000,000-event benchmark ledger,
-- one client, one single-event append per transaction: 620 appends/s before, 1,195 after.
-- The generic plan joins the requests to streams and idempotency keys by their primary keys
-- whatever the batch size (one index probe per request), which is the plan wanted at any size.
ALTER FUNCTION {schema}.append_batch(uuid[], text[], bigint[], integer[], text[], bytea[], text[], integer[], uuid[], text[], integer[], jsonb[], jsonb[])
    SET plan_cache_mode = force_generic_plan;
