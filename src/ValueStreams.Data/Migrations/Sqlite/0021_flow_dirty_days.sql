-- The roll-up refresh no longer recomputes a day each time one of its instances changes. Noted changes become one row per
-- stream, version and day here; a day is recomputed once it has ended (the current UTC day is always read from the live
-- tables) and after its first note has settled, or at once when analytics are read. A busy day thus costs one recompute
-- per settling period instead of one per second of work.
CREATE TABLE flow_dirty_days (
    value_stream_id TEXT NOT NULL,
    version         INTEGER NOT NULL,
    day             TEXT NOT NULL,
    -- 'started': the day's step and service level roll-ups; 'completed': the day's touch time of completed instances.
    part            TEXT NOT NULL,
    -- Unix milliseconds of the first note since the day was last recomputed.
    noted_at        BIGINT NOT NULL,
    PRIMARY KEY (value_stream_id, version, day, part)
);
