-- Risk: the trigger catalogue of Table 2 (seed 001, the NW memorandum of understanding) as data,
-- intelligence items, thematic reviews and self-assessments, and the annual risk assessment with
-- its judgements and agreed support (Table 1). Nothing here is public.

CREATE TABLE trigger_headings (
    slug      text PRIMARY KEY,
    position  smallint NOT NULL UNIQUE,
    name      text NOT NULL
);
INSERT INTO trigger_headings (slug, position, name) VALUES
 ('outcomes', 1, 'Outcomes'),
 ('resources', 2, 'Resources (finance and people)'),
 ('other-intelligence', 3, 'Other intelligence'),
 ('stakeholders', 4, 'Interface with stakeholders');

-- Each item of Table 2 under its heading, with its source of intelligence as the seed names it,
-- the domains it speaks to, and, for rules evaluated over the data, its parameters. Editing a
-- trigger keeps the earlier version in trigger_versions.
CREATE TABLE triggers (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]+$'),
    position    smallint NOT NULL UNIQUE,
    heading     text NOT NULL REFERENCES trigger_headings (slug),
    title       text NOT NULL,
    source      text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('quantitative', 'qualitative', 'excellence')),
    domains     text[] NOT NULL,
    params      jsonb NOT NULL DEFAULT '{}'::jsonb,
    version     integer NOT NULL DEFAULT 1,
    updated_by  text NOT NULL DEFAULT 'migration 0004',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE trigger_versions (
    trigger_id  text NOT NULL REFERENCES triggers (id),
    version     integer NOT NULL,
    title       text NOT NULL,
    source      text NOT NULL,
    domains     text[] NOT NULL,
    params      jsonb NOT NULL,
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (trigger_id, version)
);

INSERT INTO triggers (id, position, heading, title, source, kind, domains, params) VALUES
 ('significantly-worse', 1, 'outcomes', 'ASCOF or local measure significantly worse than England and in the bottom quartile', 'ASCOF measures; NW ADASS local measures; locality scorecard measures (NW Performance Leads Group / UMU)', 'quantitative', '{performance-outcomes}', '{}'),
 ('worse-and-worsening', 2, 'outcomes', 'Significantly worse than England and getting worse', 'ASCOF measures; NW ADASS local measures (NW Performance Leads Group / UMU)', 'quantitative', '{performance-outcomes}', '{}'),
 ('funnel-outlier', 3, 'outcomes', 'Outside the 99.8% funnel limit on the worse side', 'ASCOF measures (NW Performance Leads Group / UMU)', 'quantitative', '{performance-outcomes}', '{}'),
 ('tlap-markers', 4, 'outcomes', 'TLAP Markers of Progress of concern', 'TLAP Markers of Progress (InControl)', 'qualitative', '{performance-outcomes,national-priorities-partnerships}', '{}'),
 ('admissions-rising', 5, 'resources', 'Significant unexplained increase in admissions to residential or nursing care', 'Financial concerns (NW Strategic Finance Leads Group)', 'quantitative', '{resource-workforce,performance-outcomes}', '{"admissions_measures": ["2A1", "2A2"], "admissions_rise_percent": 10}'),
 ('financial-concerns', 6, 'resources', 'Higher than average cuts to prevention budget; raised eligibility criteria', 'Financial concerns (NW Strategic Finance Leads Group)', 'qualitative', '{resource-workforce}', '{}'),
 ('unit-cost-change', 7, 'resources', 'Significant change in cost metrics (unit costs up or down) not underpinned by a value-for-money review', 'Financial measures (NW Strategic Finance Leads Group)', 'quantitative', '{resource-workforce,commissioning-quality}', '{"unit_cost_change_percent": 10}'),
 ('audit-letter-financial', 8, 'resources', 'Annual audit letter: financial concerns', 'Annual Audit Letter (local authority / committee report / website)', 'qualitative', '{resource-workforce,leadership-governance}', '{}'),
 ('workforce', 9, 'resources', 'Recruitment or retention issues: high vacancy rate, sickness absence or turnover', 'SSD001 return, validated by the HR Leads Group', 'quantitative', '{resource-workforce}', '{"workforce_measure_type": "people"}'),
 ('senior-turnover', 10, 'resources', 'Significant turnover of senior staff in a short time; staff surveys', 'HR Leads Group; local knowledge', 'qualitative', '{resource-workforce,leadership-governance}', '{}'),
 ('level-1', 11, 'other-intelligence', 'Below minimum standards (Level 1) on key elements of a thematic self-assessment', 'Completed self-assessment following thematic review', 'quantitative', '{culture-challenge}', '{}'),
 ('return-missing', 12, 'other-intelligence', 'Quarterly return late or not submitted', 'NW ADASS regional benchmarking return (the collection round)', 'quantitative', '{culture-challenge}', '{}'),
 ('audit-letter', 13, 'other-intelligence', 'Annual audit letter: non-financial concerns', 'Annual Audit Letter (local authority / committee report / website)', 'qualitative', '{leadership-governance}', '{}'),
 ('lga-intelligence', 14, 'other-intelligence', 'Intelligence via the LGA regional lead, e.g. lack of momentum after a peer review', 'LGA Adult Social Care Lead', 'qualitative', '{culture-challenge,leadership-governance}', '{}'),
 ('local-account', 15, 'other-intelligence', 'Local Account missing, vague, ambiguous or too ambitious', 'Council website', 'qualitative', '{culture-challenge}', '{}'),
 ('quality-programme', 16, 'other-intelligence', 'Quality improvement programme not meeting targets, with a significant impact on the council', 'Local authority DASS (phone or email)', 'qualitative', '{commissioning-quality,national-priorities-partnerships}', '{}'),
 ('political-change', 17, 'other-intelligence', 'Sudden political change', 'Media; local knowledge', 'qualitative', '{leadership-governance}', '{}'),
 ('complaints', 18, 'stakeholders', 'User satisfaction, complaints, ombudsman or judicial review outcomes of concern', 'Annual complaints report; council and ombudsman websites', 'qualitative', '{performance-outcomes,culture-challenge}', '{}'),
 ('safeguarding', 19, 'stakeholders', 'Annual safeguarding report of concern', 'Local Safeguarding Board / LA website; national data return for vulnerable adults', 'qualitative', '{commissioning-quality,performance-outcomes}', '{}'),
 ('personalisation', 20, 'stakeholders', 'NW personalisation report of concern', 'NW Personalisation Board / network', 'qualitative', '{national-priorities-partnerships}', '{}'),
 ('disengaging', 21, 'stakeholders', 'Disengaging from networks: becoming insular', 'SLI Planning Group / NWTEB', 'qualitative', '{culture-challenge}', '{}'),
 ('partners', 22, 'stakeholders', 'Relationships with partners (health and wellbeing board, VCS, providers, users and carers, CQC); only with other concerns', 'Joint health and wellbeing strategy; partners; CQC lead', 'qualitative', '{national-priorities-partnerships}', '{}'),
 ('market-position', 23, 'stakeholders', 'Market position of concern', 'InControl; council websites', 'qualitative', '{commissioning-quality}', '{}'),
 ('public-health', 24, 'stakeholders', 'Interface with public health of concern', 'Local authority DASS; director of public health', 'qualitative', '{national-priorities-partnerships}', '{}'),
 ('significantly-better', 25, 'outcomes', 'Excellence: significantly better than England and in the top quartile', 'ASCOF and local measures', 'excellence', '{performance-outcomes}', '{}'),
 ('sustained-improvement', 26, 'outcomes', 'Excellence: sustained significant improvement', 'ASCOF and local measures', 'excellence', '{performance-outcomes}', '{}');

-- Qualitative intelligence, recorded by the analyst (or the council itself).
CREATE TABLE intelligence (
    id           bigserial PRIMARY KEY,
    ons_code     text NOT NULL REFERENCES authorities (ons_code),
    trigger_id   text NOT NULL REFERENCES triggers (id),
    year         text NOT NULL REFERENCES periods (code),
    recorded_on  date NOT NULL,
    source       text NOT NULL,
    evidence     text NOT NULL,
    link         text,
    severity     text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    visibility   text NOT NULL CHECK (visibility IN ('analyst', 'council')),
    recorded_by  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intelligence_council ON intelligence (ons_code, year);

-- Thematic reviews (up to two a year), their criteria, and councils' self-assessed levels
-- (0 = below Level 1, 1 to 4); every entry kept, the latest counts.
CREATE TABLE themes (
    id     bigserial PRIMARY KEY,
    year   text NOT NULL REFERENCES periods (code),
    title  text NOT NULL,
    UNIQUE (year, title)
);
CREATE TABLE theme_criteria (
    id        bigserial PRIMARY KEY,
    theme_id  bigint NOT NULL REFERENCES themes (id),
    title     text NOT NULL,
    key       boolean NOT NULL DEFAULT true
);
CREATE TABLE self_assessments (
    id            bigserial PRIMARY KEY,
    criterion_id  bigint NOT NULL REFERENCES theme_criteria (id),
    ons_code      text NOT NULL REFERENCES authorities (ons_code),
    level         smallint NOT NULL CHECK (level BETWEEN 0 AND 4),
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);

-- The annual risk assessment of a council: draft → concerns shared with the council → discussion
-- recorded → final view. Every step, response, judgement and agreed support is an entry; the
-- latest judgement per domain is the current one; earlier years stay.
CREATE TABLE assessments (
    id          bigserial PRIMARY KEY,
    ons_code    text NOT NULL REFERENCES authorities (ons_code),
    year        text NOT NULL REFERENCES periods (code),
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'shared', 'discussed', 'final')),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (ons_code, year)
);
CREATE TABLE assessment_entries (
    id             bigserial PRIMARY KEY,
    assessment_id  bigint NOT NULL REFERENCES assessments (id),
    kind           text NOT NULL CHECK (kind IN ('concerns', 'response', 'discussion', 'judgement', 'support', 'final')),
    domain_slug    text REFERENCES domains (slug),
    level          text CHECK (level IN ('low', 'some', 'significant')),
    body           text NOT NULL,
    details        jsonb NOT NULL DEFAULT '{}'::jsonb,
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((kind = 'judgement') = (domain_slug IS NOT NULL AND level IS NOT NULL))
);
CREATE INDEX assessment_entries_by ON assessment_entries (assessment_id, id);
