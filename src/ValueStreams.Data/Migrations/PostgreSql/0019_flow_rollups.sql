-- Value stream analytics read per-day roll-ups instead of every journal line and task: per step and per priority by the
-- UTC day an instance started, and the touch time of the instances completed per day. Every change to an instance or one
-- of its tasks notes the instance in flow_changes in the same transaction (the triggers below); the roll-up refresh
-- recomputes the days those instances touch from the live tables, then forgets the notes it has read.
CREATE TABLE flow_changes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id TEXT NOT NULL
);

CREATE TABLE flow_step_days (
    value_stream_id    TEXT NOT NULL,
    version            INTEGER NOT NULL,
    day                TEXT NOT NULL,
    step_id            TEXT NOT NULL,
    visits             BIGINT NOT NULL,
    instances_visiting BIGINT NOT NULL,
    tasks              BIGINT NOT NULL,
    claimed            BIGINT NOT NULL,
    wait_seconds       DOUBLE PRECISION NOT NULL,
    completed          BIGINT NOT NULL,
    touch_seconds      DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (value_stream_id, day, version, step_id)
);

-- priority_key is the task priority, or -1 for tasks without one (a key column cannot be null).
CREATE TABLE flow_service_level_days (
    value_stream_id     TEXT NOT NULL,
    version             INTEGER NOT NULL,
    day                 TEXT NOT NULL,
    priority_key        INTEGER NOT NULL,
    response_targets    BIGINT NOT NULL,
    response_met        BIGINT NOT NULL,
    response_breached   BIGINT NOT NULL,
    resolution_targets  BIGINT NOT NULL,
    resolution_met      BIGINT NOT NULL,
    resolution_breached BIGINT NOT NULL,
    PRIMARY KEY (value_stream_id, day, version, priority_key)
);

CREATE TABLE flow_completion_days (
    value_stream_id TEXT NOT NULL,
    version         INTEGER NOT NULL,
    day             TEXT NOT NULL,
    touch_seconds   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (value_stream_id, day, version)
);

CREATE FUNCTION flow_change_of_instance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO flow_changes (instance_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;

CREATE FUNCTION flow_change_of_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO flow_changes (instance_id) VALUES (NEW.instance_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER instances_note_flow_change AFTER INSERT OR UPDATE ON instances FOR EACH ROW EXECUTE FUNCTION flow_change_of_instance();
CREATE TRIGGER tasks_note_flow_change AFTER INSERT OR UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION flow_change_of_task();

-- Instances already stored are rolled up by the first refresh.
INSERT INTO flow_changes (instance_id) SELECT id FROM instances;

