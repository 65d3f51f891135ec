-- Spare stock levels an admin sets per model and location: below the threshold, a reorder of the quantity is raised as
-- a service request; open_reorder is the last one raised, so that no second one is raised while it is open.
CREATE TABLE asset_stock_levels (
    model             TEXT NOT NULL,
    location          TEXT NOT NULL,
    reorder_threshold INTEGER NOT NULL,
    reorder_quantity  INTEGER NOT NULL,
    open_reorder      TEXT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    updated_by        TEXT NOT NULL,
    PRIMARY KEY (model, location)
);
