-- The public reads only catalogued measures: a measure an official file brought in that the
-- catalogue did not know (unit unknown, no polarity) stays internal until an analyst
-- completes it (`scorecard measure CODE --unit … --polarity …`). The view is otherwise as
-- 0009 made it; `measures` already bumps the published version when a measure changes.
CREATE OR REPLACE VIEW published_observations AS
SELECT DISTINCT ON (o.measure_code, o.period_code, o.area_code, o.disaggregation)
       o.*, s.kind AS provenance, p.published_at
FROM publications p
JOIN publication_submissions ps ON ps.publication_id = p.id
JOIN submissions s ON s.id = ps.submission_id
JOIN observations o ON o.submission_id = s.id AND o.period_code = p.period_code
JOIN measures m ON m.code = o.measure_code AND m.catalogued
WHERE p.ended_at IS NULL
  AND (s.kind <> 'illustrative'
       OR NOT EXISTS (SELECT 1 FROM submissions r WHERE r.kind <> 'illustrative'))
ORDER BY o.measure_code, o.period_code, o.area_code, o.disaggregation, o.submission_id DESC;
