-- Deployments: one typed row each (see Core/Records/Deployments/DeploymentKind for the fields and states).
CREATE TABLE deployments (
    id                 TEXT NOT NULL PRIMARY KEY,
    number             TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    state              TEXT NOT NULL,
    revision           INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    release            TEXT NULL,
    environment        TEXT NOT NULL,
    configuration_item TEXT NULL,
    service            TEXT NULL,
    scheduled_at       TEXT NULL,
    deployed_at        TEXT NULL,
    change             TEXT NULL,
    notes              TEXT NULL
);
CREATE INDEX ix_deployments_created ON deployments (created_at, id);
CREATE INDEX ix_deployments_state ON deployments (state, scheduled_at);
CREATE INDEX ix_deployments_release ON deployments (release, created_at);
CREATE INDEX ix_deployments_environment ON deployments (environment, state, scheduled_at);
CREATE INDEX ix_deployments_service ON deployments (service, created_at);
CREATE INDEX ix_deployments_configuration_item ON deployments (configuration_item, created_at);
CREATE INDEX ix_deployments_change ON deployments (change);
