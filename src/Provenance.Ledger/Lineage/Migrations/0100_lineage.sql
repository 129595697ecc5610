-- 0100: the lineage graph, kept inline with every append (projection "lineage"). Every row carries
-- the log position at which it appeared; nothing here is ever updated, so the graph "as of" a
-- position is just the rows at or below it.
CREATE TABLE {schema}.rm_lineage_dataset_versions (
    dataset_id      uuid        NOT NULL,
    version         integer     NOT NULL,
    fingerprint     text        NOT NULL,
    record_count    bigint      NOT NULL,
    contributed_at  timestamptz NOT NULL,
    position        bigint      NOT NULL,
    PRIMARY KEY (dataset_id, version)
);

CREATE TABLE {schema}.rm_lineage_derivations (
    dataset_id         uuid    NOT NULL,
    version            integer NOT NULL,
    parent_dataset_id  uuid    NOT NULL,
    parent_version     integer NOT NULL,
    transformation     text    NOT NULL,
    position           bigint  NOT NULL,
    PRIMARY KEY (dataset_id, version, parent_dataset_id, parent_version)
);
CREATE INDEX rm_lineage_derivations_parent_idx ON {schema}.rm_lineage_derivations (parent_dataset_id, parent_version);

CREATE TABLE {schema}.rm_lineage_training_runs (
    run_id         uuid        PRIMARY KEY,
    model_id       uuid        NOT NULL,
    model_version  text        NOT NULL,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz NOT NULL,
    overridden     boolean     NOT NULL DEFAULT false,
    position       bigint      NOT NULL
);
CREATE INDEX rm_lineage_training_runs_model_idx ON {schema}.rm_lineage_training_runs (model_id, model_version);

CREATE TABLE {schema}.rm_lineage_training_inputs (
    run_id       uuid    NOT NULL,
    dataset_id   uuid    NOT NULL,
    version      integer NOT NULL,
    fingerprint  text    NOT NULL,
    position     bigint  NOT NULL,
    PRIMARY KEY (run_id, dataset_id, version)
);
CREATE INDEX rm_lineage_training_inputs_dataset_idx ON {schema}.rm_lineage_training_inputs (dataset_id, version);

-- Which IRB protocols ever covered which datasets, from the position the coverage first appeared.
CREATE TABLE {schema}.rm_lineage_irb_coverage (
    protocol_id  uuid   NOT NULL,
    dataset_id   uuid   NOT NULL,
    position     bigint NOT NULL,
    PRIMARY KEY (protocol_id, dataset_id)
);
CREATE INDEX rm_lineage_irb_coverage_dataset_idx ON {schema}.rm_lineage_irb_coverage (dataset_id);
