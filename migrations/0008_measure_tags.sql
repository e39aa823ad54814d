-- Tags on catalogue measures: `staff` marks the workforce measures (vacancy, turnover, sickness,
-- agency use) that the `workforce` trigger looks at, and nothing else of the People block
-- (directors in post, political control, meetings attended).
ALTER TABLE measures ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
UPDATE measures SET tags = '{staff}' WHERE code IN ('RW03', 'RW04', 'RW05', 'RW06');

-- The workforce trigger now names the tag; its earlier version is kept, as for any change.
INSERT INTO trigger_versions (trigger_id, version, title, source, domains, params, updated_by, updated_at)
SELECT id, version, title, source, domains, params, updated_by, updated_at FROM triggers WHERE id = 'workforce';
UPDATE triggers SET params = '{"workforce_tag": "staff"}', version = version + 1,
    updated_by = 'migration 0008', updated_at = now()
WHERE id = 'workforce';
