-- 0101: the dataset catalog, kept asynchronously from the log (projection "catalog") for searches
-- the log cannot answer by itself, such as "datasets with a data use agreement".
CREATE TABLE {schema}.rm_catalog_datasets (
    dataset_id          uuid        PRIMARY KEY,
    name                text        NOT NULL,
    source_institution  text        NOT NULL,
    modality            text        NOT NULL,
    retired             boolean     NOT NULL DEFAULT false,
    license_kinds       text[]      NOT NULL DEFAULT '{}',
    version_count       integer     NOT NULL DEFAULT 0,
    registered_at       timestamptz NOT NULL,
    registered_position bigint      NOT NULL,
    last_position       bigint      NOT NULL
);
CREATE INDEX rm_catalog_datasets_search_idx ON {schema}.rm_catalog_datasets (source_institution, modality, registered_position);
CREATE INDEX rm_catalog_datasets_license_idx ON {schema}.rm_catalog_datasets USING gin (license_kinds);
