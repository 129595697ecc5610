-- 0102: the compliance status of each dataset version as last recorded, and each model's current
-- state, kept by the asynchronous "catalog" projection. Whether a version is cleared on a given
-- day is not stored: it depends on the day, and the one clearance function decides it on read.
CREATE TABLE {schema}.rm_catalog_versions (
    dataset_id               uuid    NOT NULL,
    version                  integer NOT NULL,
    fingerprint              text    NOT NULL,
    record_count             bigint  NOT NULL,
    deidentification         text    NOT NULL DEFAULT 'none',
    deidentification_method  text,
    quarantined              boolean NOT NULL DEFAULT false,
    consent_exclusion_from   date,
    withdrawn_subjects       bigint  NOT NULL DEFAULT 0,
    last_position            bigint  NOT NULL,
    PRIMARY KEY (dataset_id, version)
);

CREATE TABLE {schema}.rm_catalog_decisions (
    decision_id  uuid    PRIMARY KEY,
    dataset_id   uuid    NOT NULL,
    version      integer NOT NULL,
    method       text    NOT NULL,
    outcome      text    NOT NULL,
    rescinded    boolean NOT NULL DEFAULT false
);
CREATE INDEX rm_catalog_decisions_version_idx ON {schema}.rm_catalog_decisions (dataset_id, version);

CREATE TABLE {schema}.rm_catalog_models (
    model_id             uuid        PRIMARY KEY,
    name                 text        NOT NULL,
    owner                text        NOT NULL,
    commercial           boolean     NOT NULL,
    versions             text[]      NOT NULL DEFAULT '{}',
    released_versions    text[]      NOT NULL DEFAULT '{}',
    withdrawn_versions   text[]      NOT NULL DEFAULT '{}',
    overridden_runs      integer     NOT NULL DEFAULT 0,
    registered_at        timestamptz NOT NULL,
    registered_position  bigint      NOT NULL,
    last_position        bigint      NOT NULL
);
