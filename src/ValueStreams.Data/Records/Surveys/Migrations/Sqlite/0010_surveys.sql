-- Satisfaction surveys: one typed row each (see Core/Records/Surveys/SurveyKind for the fields and states).
CREATE TABLE surveys (
    id             TEXT NOT NULL PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    state          TEXT NOT NULL,
    revision       INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    related_record TEXT NULL,
    recipient      TEXT NULL,
    score          REAL NULL,
    comment        TEXT NULL
);
CREATE INDEX ix_surveys_created ON surveys (created_at, id);
CREATE INDEX ix_surveys_state ON surveys (state, created_at);
CREATE INDEX ix_surveys_related ON surveys (related_record);
