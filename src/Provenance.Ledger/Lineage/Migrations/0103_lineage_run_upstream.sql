-- 0103: each training run's whole upstream, walked once when the run is recorded (projection
-- "lineage"). A run's upstream never changes afterwards: a version's parents are recorded with the
-- version, and every input exists before the run. The model lineage query reads it with one range
-- scan instead of walking the derivations at every request. `position` is the run's.
CREATE TABLE {schema}.rm_lineage_run_upstream (
    run_id             uuid    NOT NULL,
    dataset_id         uuid    NOT NULL,
    version            integer NOT NULL,
    parent_dataset_id  uuid    NOT NULL,
    parent_version     integer NOT NULL,
    transformation     text    NOT NULL,
    position           bigint  NOT NULL,
    PRIMARY KEY (run_id, dataset_id, version, parent_dataset_id, parent_version)
);

-- The runs already projected.
WITH RECURSIVE w(run_id, dataset_id, version) AS (
    SELECT run_id, dataset_id, version FROM {schema}.rm_lineage_training_inputs
    UNION
    SELECT w.run_id, d.parent_dataset_id, d.parent_version
    FROM w JOIN {schema}.rm_lineage_derivations d ON d.dataset_id = w.dataset_id AND d.version = w.version
)
INSERT INTO {schema}.rm_lineage_run_upstream
SELECT w.run_id, d.dataset_id, d.version, d.parent_dataset_id, d.parent_version, d.transformation, r.position
FROM w
JOIN {schema}.rm_lineage_derivations d ON d.dataset_id = w.dataset_id AND d.version = w.version
JOIN {schema}.rm_lineage_training_runs r ON r.run_id = w.run_id
ON CONFLICT DO NOTHING;
