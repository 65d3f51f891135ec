-- Incidents: one typed row each (see Core/Records/Incidents/IncidentKind for the fields and states).
CREATE TABLE incidents (
    id                 TEXT NOT NULL PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL,
    revision           INTEGER NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    updated_by         TEXT NOT NULL,
    description        TEXT NULL,
    business_impact    TEXT NULL,
    caller             TEXT NULL,
    contact            TEXT NULL,
    location           TEXT NULL,
    service            TEXT NULL,
    configuration_item TEXT NULL,
    category           TEXT NULL,
    impact             TEXT NOT NULL,
    urgency            TEXT NOT NULL,
    priority           TEXT NULL,
    on_hold_reason     TEXT NULL,
    assignment_group   TEXT NULL,
    assignee           TEXT NULL,
    resolution_code    TEXT NULL,
    resolution_notes   TEXT NULL,
    major_incident     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_incidents_created ON incidents (created_at, id);
CREATE INDEX ix_incidents_state ON incidents (state, priority, created_at);
CREATE INDEX ix_incidents_group ON incidents (assignment_group, state, created_at);
CREATE INDEX ix_incidents_assignee ON incidents (assignee, state);
CREATE INDEX ix_incidents_caller ON incidents (caller, created_at);
