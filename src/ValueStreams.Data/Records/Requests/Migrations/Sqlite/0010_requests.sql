-- Service requests: one typed row each (see Core/Records/Requests/RequestKind for the fields and states).
CREATE TABLE requests (
    id                 TEXT NOT NULL PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL,
    revision           INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    catalogue_item     TEXT NULL,
    requested_for      TEXT NULL,
    requester_email    TEXT NULL,
    description        TEXT NULL,
    approval_policy    TEXT NULL,
    approval           TEXT NULL,
    approval_notes     TEXT NULL,
    fulfilment_target  TEXT NULL,
    assignment_group   TEXT NULL,
    assignee           TEXT NULL,
    fulfilment_notes   TEXT NULL
);
CREATE INDEX ix_requests_created ON requests (created_at, id);
CREATE INDEX ix_requests_state ON requests (state, created_at);
CREATE INDEX ix_requests_group ON requests (assignment_group, state, created_at);
CREATE INDEX ix_requests_assignee ON requests (assignee, state);
CREATE INDEX ix_requests_requested_for ON requests (requested_for, created_at);
CREATE INDEX ix_requests_catalogue_item ON requests (catalogue_item);
