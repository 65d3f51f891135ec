-- Value stream analytics read per-day roll-ups instead of every journal line and task: per step and per priority by the
-- UTC day an instance started, and the touch time of the instances completed per day. Every change to an instance or one
-- of its tasks notes the instance in flow_changes in the same transaction (the triggers below); the roll-up refresh
-- recomputes the days those instances touch from the live tables, then forgets the notes it has read.
CREATE TABLE flow_changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id TEXT NOT NULL
);

CREATE TABLE flow_step_days (
    value_stream_id    TEXT NOT NULL,
    version            INTEGER NOT NULL,
    day                TEXT NOT NULL,
    step_id            TEXT NOT NULL,
    visits             INTEGER NOT NULL,
    instances_visiting INTEGER NOT NULL,
    tasks              INTEGER NOT NULL,
    claimed            INTEGER NOT NULL,
    wait_seconds       REAL NOT NULL,
    completed          INTEGER NOT NULL,
    touch_seconds      REAL NOT NULL,
    PRIMARY KEY (value_stream_id, day, version, step_id)
);

-- priority_key is the task priority, or -1 for tasks without one (a key column cannot be null).
CREATE TABLE flow_service_level_days (
    value_stream_id     TEXT NOT NULL,
    version             INTEGER NOT NULL,
    day                 TEXT NOT NULL,
    priority_key        INTEGER NOT NULL,
    response_targets    INTEGER NOT NULL,
    response_met        INTEGER NOT NULL,
    response_breached   INTEGER NOT NULL,
    resolution_targets  INTEGER NOT NULL,
    resolution_met      INTEGER NOT NULL,
    resolution_breached INTEGER NOT NULL,
    PRIMARY KEY (value_stream_id, day, version, priority_key)
);

CREATE TABLE flow_completion_days (
    value_stream_id TEXT NOT NULL,
    version         INTEGER NOT NULL,
    day             TEXT NOT NULL,
    touch_seconds   REAL NOT NULL,
    PRIMARY KEY (value_stream_id, day, version)
);

CREATE TRIGGER instances_note_flow_insert AFTER INSERT ON instances
BEGIN
    INSERT INTO flow_changes (instance_id) VALUES (NEW.id);
END;
CREATE TRIGGER instances_note_flow_update AFTER UPDATE ON instances
BEGIN
    INSERT INTO flow_changes (instance_id) VALUES (NEW.id);
END;
CREATE TRIGGER tasks_note_flow_insert AFTER INSERT ON tasks
BEGIN
    INSERT INTO flow_changes (instance_id) VALUES (NEW.instance_id);
END;
CREATE TRIGGER tasks_note_flow_update AFTER UPDATE ON tasks
BEGIN
    INSERT INTO flow_changes (instance_id) VALUES (NEW.instance_id);
END;

-- Instances already stored are rolled up by the first refresh.
INSERT INTO flow_changes (instance_id) SELECT id FROM instances;

