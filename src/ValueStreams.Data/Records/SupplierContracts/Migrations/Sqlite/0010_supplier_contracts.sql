-- Supplier contracts: one typed row each (see Core/Records/SupplierContracts/SupplierContractKind for the fields and states).
CREATE TABLE supplier_contracts (
    id              TEXT NOT NULL PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    state           TEXT NOT NULL,
    revision        INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    supplier        TEXT NOT NULL,
    service         TEXT NULL,
    description     TEXT NULL,
    start_date      TEXT NULL,
    end_date        TEXT NULL,
    support_terms   TEXT NULL,
    contact_details TEXT NULL,
    value           REAL NULL
);
CREATE INDEX ix_supplier_contracts_created ON supplier_contracts (created_at, id);
CREATE INDEX ix_supplier_contracts_state ON supplier_contracts (state, end_date);
CREATE INDEX ix_supplier_contracts_supplier ON supplier_contracts (supplier, state);
CREATE INDEX ix_supplier_contracts_service ON supplier_contracts (service, state);
