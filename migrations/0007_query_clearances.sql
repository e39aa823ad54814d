-- Data-quality queries are computed from the values (src/risk/screen.rs); what is stored is
-- the analyst's clearing of one, with who, when and why (and the audit log has it too). A
-- cleared value is evaluated by the trigger rules like any other.
CREATE TABLE query_clearances (
    ons_code     text NOT NULL REFERENCES authorities (ons_code),
    measure_code text NOT NULL REFERENCES measures (code),
    period_code  text NOT NULL REFERENCES periods (code),
    rule         text NOT NULL,
    note         text NOT NULL,
    cleared_by   text NOT NULL,
    cleared_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ons_code, measure_code, period_code, rule)
);
