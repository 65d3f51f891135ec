-- Monitoring events: one typed row each (see Core/Records/MonitoringEvents/MonitoringEventKind for the fields and states).
CREATE TABLE monitoring_events (
    id                 TEXT NOT NULL PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL,
    revision           INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    severity           TEXT NOT NULL,
    source             TEXT NULL,
    configuration_item TEXT NULL,
    service            TEXT NULL,
    message            TEXT NULL,
    occurred_at        TEXT NULL,
    incident           TEXT NULL
);
CREATE INDEX ix_monitoring_events_created ON monitoring_events (created_at, id);
CREATE INDEX ix_monitoring_events_state ON monitoring_events (state, severity, created_at);
CREATE INDEX ix_monitoring_events_ci ON monitoring_events (configuration_item, created_at);
CREATE INDEX ix_monitoring_events_service ON monitoring_events (service, created_at);
CREATE INDEX ix_monitoring_events_incident ON monitoring_events (incident);
