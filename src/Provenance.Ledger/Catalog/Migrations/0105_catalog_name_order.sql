-- 0105: the dataset list sorted by name (#21: ?sort=name and ?sort=-name), keyset-paged over
-- (name, registered_position) in both directions.
CREATE INDEX rm_catalog_datasets_name_idx ON {schema}.rm_catalog_datasets (name, registered_position);
