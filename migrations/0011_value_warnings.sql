-- The importer's warnings about a value (a change far from the usual change), kept with the
-- submission that carried the value, so that the risk signal can show them beside a concern or
-- a data-quality query rather than leave them in an upload's report.
CREATE TABLE value_warnings (
    submission_id   bigint NOT NULL REFERENCES submissions (id),
    area_code       text NOT NULL,
    measure_code    text NOT NULL,
    period_code     text NOT NULL,
    disaggregation  text NOT NULL,
    warning         text NOT NULL,
    PRIMARY KEY (submission_id, area_code, measure_code, period_code, disaggregation)
);
