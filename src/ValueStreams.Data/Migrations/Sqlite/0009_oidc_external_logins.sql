-- Users who sign in through an identity provider: the provider's issuer and subject, linked to one local user.
CREATE TABLE external_logins (
    issuer    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);

CREATE INDEX ix_external_logins_user ON external_logins (user_id);
