-- What every ITIL record kind shares: readable numbers per kind, the history of every change, typed links between
-- records, and the value stream instances that work on each record. Each kind's own table comes with its folder
-- (Records/<Kind>/Migrations).
CREATE TABLE record_numbers (
    kind        TEXT NOT NULL PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE record_history (
    id          TEXT NOT NULL PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    field       TEXT NOT NULL,
    old_value   TEXT NULL,
    new_value   TEXT NULL
);
CREATE INDEX ix_record_history_record ON record_history (record_kind, record_id, at, id);

CREATE TABLE record_links (
    from_kind  TEXT NOT NULL,
    from_id    TEXT NOT NULL,
    link_type  TEXT NOT NULL,
    to_kind    TEXT NOT NULL,
    to_id      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (from_kind, from_id, link_type, to_kind, to_id)
);
CREATE INDEX ix_record_links_to ON record_links (to_kind, to_id);

CREATE TABLE record_instances (
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    role        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (record_kind, record_id, instance_id)
);
CREATE INDEX ix_record_instances_instance ON record_instances (instance_id);
