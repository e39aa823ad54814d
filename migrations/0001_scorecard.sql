-- The scorecard's data model: areas and councils, comparator groups, the measure catalogue,
-- periods, versioned submissions and their observations, and councils' commentary.

-- Six risk domains (TEASC risk toolkit) and the ten TEASC overview sections: fixed vocabulary.
CREATE TABLE domains (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z-]+$'),
    position    smallint NOT NULL UNIQUE CHECK (position BETWEEN 1 AND 6),
    name        text NOT NULL,
    summary     text NOT NULL
);

INSERT INTO domains (slug, position, name, summary) VALUES
 ('leadership-governance', 1, 'Leadership and governance', 'Political control and stability, council structure, turnover of directors, corporate savings pressure.'),
 ('performance-outcomes', 2, 'Performance and outcomes', 'ASCOF outcome measures: good and poor performance and what is being done about it.'),
 ('commissioning-quality', 3, 'Commissioning and quality', 'The local care market, provider risk, quality of registered providers, co-produced services.'),
 ('national-priorities-partnerships', 4, 'National priorities and partnerships', 'Health and social care integration, hospital discharge, reablement, Better Care Fund, Care Act duties.'),
 ('resource-workforce', 5, 'Resource and workforce', 'Expenditure, budget change, unit costs, staff vacancies, sickness and turnover.'),
 ('culture-challenge', 6, 'Culture and challenge', 'Engagement regionally and nationally, self-assessment, peer challenge, Local Account published.');

CREATE TABLE teasc_sections (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z-]+$'),
    position    smallint NOT NULL UNIQUE CHECK (position BETWEEN 1 AND 10),
    name        text NOT NULL,
    items       smallint NOT NULL CHECK (items > 0)
);

INSERT INTO teasc_sections (slug, position, name, items) VALUES
 ('access-to-services', 1, 'Access to services', 9),
 ('community-based-services', 2, 'Community based services', 14),
 ('residential-nursing', 3, 'Residential and nursing', 8),
 ('intensity-home-care', 4, 'Intensity of home care', 1),
 ('services-for-carers', 5, 'Services for carers', 2),
 ('quality-of-life', 6, 'Quality of life', 17),
 ('self-directed-support', 7, 'Self directed support', 13),
 ('living-independently', 8, 'Living independently', 4),
 ('assisting-discharge', 9, 'Assisting discharge', 3),
 ('views-users-carers', 10, 'Views of users and carers', 9);

-- Every geography a value can belong to: councils, and the benchmark geographies
-- (England, regions, council types) whose published values official files carry.
CREATE TABLE areas (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{2,32}$'),
    name        text NOT NULL CHECK (name <> ''),
    level       text NOT NULL CHECK (level IN ('council', 'region', 'council_type', 'england'))
);

CREATE TABLE authorities (
    ons_code            text PRIMARY KEY REFERENCES areas (code) CHECK (ons_code ~ '^E(06|08|09|10)[0-9]{6}$'),
    cassr_code          text,
    name                text NOT NULL CHECK (name <> ''),
    kind                text NOT NULL CHECK (kind IN ('county', 'unitary', 'metropolitan_district', 'london_borough')),
    region              text NOT NULL,
    sub_region          text,
    population_all      integer CHECK (population_all >= 0),
    population_18_plus  integer CHECK (population_18_plus >= 0),
    population_65_plus  integer CHECK (population_65_plus >= 0),
    population_year     text,
    valid_from          date,
    valid_to            date,
    CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_from <= valid_to)
);

-- Financial years ('2023-24') and their quarters ('2023-24 Q2'), ordered: a year sorts after
-- its fourth quarter, because its annual figure is published after the year ends.
CREATE TABLE periods (
    code            text PRIMARY KEY CHECK (code ~ '^[0-9]{4}-[0-9]{2}( Q[1-4])?$'),
    year_start      smallint NOT NULL CHECK (year_start BETWEEN 1990 AND 2100),
    quarter         smallint CHECK (quarter BETWEEN 1 AND 4),
    sort_key        integer NOT NULL UNIQUE,
    starts_on       date NOT NULL,
    ends_on         date NOT NULL,
    CHECK (sort_key = year_start * 10 + COALESCE(quarter, 5)),
    CHECK (starts_on < ends_on)
);

-- Comparator groups: the region of focus (members over time), council types, each council's
-- CIPFA nearest neighbours, England. Which group is the region of focus is configuration.
CREATE TABLE comparator_groups (
    slug            text PRIMARY KEY CHECK (slug ~ '^[a-z0-9-]+$'),
    name            text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('region', 'council_type', 'nearest_neighbours', 'england')),
    owner_ons_code  text REFERENCES authorities (ons_code),
    benchmark_area  text REFERENCES areas (code),
    source          text,
    CHECK ((kind = 'nearest_neighbours') = (owner_ons_code IS NOT NULL))
);

CREATE TABLE comparator_group_members (
    group_slug  text NOT NULL REFERENCES comparator_groups (slug) ON DELETE CASCADE,
    ons_code    text NOT NULL REFERENCES authorities (ons_code),
    rank        smallint CHECK (rank > 0),
    valid_from  date,
    valid_to    date,
    PRIMARY KEY (group_slug, ons_code)
);

CREATE TABLE measures (
    code              text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]{1,40}$'),
    display_code      text NOT NULL UNIQUE,
    title             text NOT NULL CHECK (title <> ''),
    definition        text NOT NULL DEFAULT '',
    unit              text NOT NULL CHECK (unit IN ('percent', 'rate', 'score', 'currency', 'count', 'days', 'ratio')),
    unit_label        text NOT NULL,
    rate_multiplier   integer CHECK (rate_multiplier > 0),
    polarity          text NOT NULL CHECK (polarity IN ('higher_is_better', 'lower_is_better', 'no_judgement')),
    decimals          smallint NOT NULL DEFAULT 1 CHECK (decimals BETWEEN 0 AND 4),
    domain_slug       text NOT NULL REFERENCES domains (slug),
    teasc_section     text REFERENCES teasc_sections (slug),
    tier              text NOT NULL CHECK (tier IN ('ascof', 'whole_system', 'regional')),
    measure_type      text NOT NULL CHECK (measure_type IN ('outcome', 'output', 'people', 'financial')),
    source            text NOT NULL,
    frequency         text NOT NULL CHECK (frequency IN ('annual', 'quarterly')),
    strategic_weight  smallint NOT NULL DEFAULT 1 CHECK (strategic_weight BETWEEN 1 AND 3),
    target            numeric,
    amber_tolerance   numeric CHECK (amber_tolerance >= 0),
    tolerance_kind    text CHECK (tolerance_kind IN ('absolute', 'relative')),
    position          integer NOT NULL,
    CHECK ((unit = 'rate') = (rate_multiplier IS NOT NULL)),
    CHECK ((amber_tolerance IS NULL) = (tolerance_kind IS NULL))
);

-- Other spellings of a measure code: the published bracketed form, the 2023-24 renumbering.
CREATE TABLE measure_aliases (
    scheme        text NOT NULL CHECK (scheme IN ('published', 'ascof_2023')),
    alias         text NOT NULL,
    measure_code  text NOT NULL REFERENCES measures (code) ON DELETE CASCADE,
    PRIMARY KEY (scheme, alias)
);

-- Targets for one council (or all, when ons_code is null) that override the catalogue's.
CREATE TABLE measure_targets (
    id               bigserial PRIMARY KEY,
    measure_code     text NOT NULL REFERENCES measures (code) ON DELETE CASCADE,
    ons_code         text REFERENCES authorities (ons_code),
    period_code      text REFERENCES periods (code),
    target           numeric NOT NULL,
    amber_tolerance  numeric NOT NULL CHECK (amber_tolerance >= 0),
    tolerance_kind   text NOT NULL CHECK (tolerance_kind IN ('absolute', 'relative')),
    UNIQUE NULLS NOT DISTINCT (measure_code, ons_code, period_code)
);

-- Every file that ever changed data. A scope (e.g. one official year, or one council's
-- quarter) has numbered revisions; a later revision supersedes the earlier one, which stays.
CREATE TABLE submissions (
    id               bigserial PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('seed', 'ascof_official', 'regional_template')),
    scope            text NOT NULL,
    revision         integer NOT NULL CHECK (revision > 0),
    source_filename  text NOT NULL,
    sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    submitted_by     text NOT NULL,
    submitted_at     timestamptz NOT NULL DEFAULT now(),
    status           text NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'superseded')),
    superseded_by    bigint REFERENCES submissions (id),
    row_count        integer NOT NULL DEFAULT 0 CHECK (row_count >= 0),
    report           jsonb NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (scope, revision),
    CHECK ((status = 'superseded') = (superseded_by IS NOT NULL))
);

CREATE INDEX submissions_sha256 ON submissions (sha256);

CREATE TABLE observations (
    id               bigserial PRIMARY KEY,
    submission_id    bigint NOT NULL REFERENCES submissions (id),
    area_code        text NOT NULL REFERENCES areas (code),
    measure_code     text NOT NULL REFERENCES measures (code),
    period_code      text NOT NULL REFERENCES periods (code),
    disaggregation   text NOT NULL DEFAULT 'Total',
    value            numeric,
    numerator        numeric,
    denominator      numeric CHECK (denominator >= 0),
    margin_of_error  numeric CHECK (margin_of_error >= 0),
    status           text NOT NULL CHECK (status IN ('provisional', 'final', 'suppressed', 'not_available')),
    note             text,
    UNIQUE (submission_id, area_code, measure_code, period_code, disaggregation),
    CHECK ((value IS NULL) = (status IN ('suppressed', 'not_available')))
);

CREATE INDEX observations_current
    ON observations (measure_code, period_code, area_code, disaggregation, submission_id DESC);
CREATE INDEX observations_by_area ON observations (area_code, measure_code);
CREATE INDEX observations_by_period ON observations (period_code);

-- The value in force for each area, measure, period and disaggregation: the latest current
-- submission's. A superseded revision's values stay in `observations` as history.
CREATE VIEW current_observations AS
SELECT DISTINCT ON (o.measure_code, o.period_code, o.area_code, o.disaggregation) o.*
FROM observations o
JOIN submissions s ON s.id = o.submission_id AND s.status = 'current'
ORDER BY o.measure_code, o.period_code, o.area_code, o.disaggregation, o.submission_id DESC;

-- The Local Account side: each council's commentary per domain and period, every save kept.
CREATE TABLE commentary (
    id           bigserial PRIMARY KEY,
    ons_code     text NOT NULL REFERENCES authorities (ons_code),
    domain_slug  text NOT NULL REFERENCES domains (slug),
    period_code  text NOT NULL REFERENCES periods (code),
    revision     integer NOT NULL CHECK (revision > 0),
    body         text NOT NULL,
    status       text NOT NULL CHECK (status IN ('draft', 'submitted', 'published')),
    author       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ons_code, domain_slug, period_code, revision)
);

-- Files uploaded through the site and checked, waiting for the analyst to commit them.
CREATE TABLE uploads (
    id           bigserial PRIMARY KEY,
    filename     text NOT NULL,
    bytes        bytea NOT NULL,
    sha256       text NOT NULL,
    period_code  text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
