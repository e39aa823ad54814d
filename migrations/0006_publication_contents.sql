-- What each publication made public, recorded once when it is published, so that "What's
-- new" reads a few rows instead of comparing every value of two publications on each request:
-- the measures it carried, and the values it changed from the period's previous publication
-- (was, now and why).
CREATE TABLE publication_measures (
    publication_id  bigint NOT NULL REFERENCES publications (id),
    measure_code    text NOT NULL REFERENCES measures (code),
    PRIMARY KEY (publication_id, measure_code)
);
CREATE INDEX publication_measures_by_measure ON publication_measures (measure_code, publication_id);

CREATE TABLE publication_revisions (
    publication_id  bigint NOT NULL REFERENCES publications (id),
    measure_code    text NOT NULL REFERENCES measures (code),
    area_code       text NOT NULL REFERENCES areas (code),
    was             numeric,
    now             numeric,
    why             text NOT NULL,
    PRIMARY KEY (publication_id, measure_code, area_code)
);

-- The one definition of both, used at publication and to fill in the existing ones below.
CREATE FUNCTION record_publication_contents(pub bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO publication_measures (publication_id, measure_code)
    SELECT DISTINCT p.id, o.measure_code
    FROM publications p
    JOIN publication_submissions ps ON ps.publication_id = p.id
    JOIN observations o ON o.submission_id = ps.submission_id AND o.period_code = p.period_code
    WHERE p.id = pub
    ON CONFLICT DO NOTHING;

    WITH p AS (SELECT id, period_code FROM publications WHERE id = pub),
         prev AS (SELECT max(q.id) AS id FROM publications q, p
                  WHERE q.period_code = p.period_code AND q.id < p.id),
         vals AS (
           SELECT DISTINCT ON (ps.publication_id, o.measure_code, o.area_code)
                  ps.publication_id, o.measure_code, o.area_code, o.value, o.note, s.revision, s.scope
           FROM publication_submissions ps
           JOIN submissions s ON s.id = ps.submission_id
           JOIN observations o ON o.submission_id = s.id
           JOIN p ON o.period_code = p.period_code
           WHERE ps.publication_id IN ((SELECT id FROM p), (SELECT id FROM prev))
             AND o.disaggregation = 'Total'
           ORDER BY ps.publication_id, o.measure_code, o.area_code, o.submission_id DESC)
    INSERT INTO publication_revisions (publication_id, measure_code, area_code, was, now, why)
    SELECT n.publication_id, n.measure_code, n.area_code, b.value, n.value,
           coalesce(n.note, 'revision ' || n.revision || ' of ' || n.scope)
    FROM vals n JOIN vals b ON b.measure_code = n.measure_code AND b.area_code = n.area_code
    WHERE n.publication_id = pub AND b.publication_id = (SELECT id FROM prev)
      AND b.value IS DISTINCT FROM n.value
    ON CONFLICT DO NOTHING;
$$;

SELECT record_publication_contents(id) FROM publications ORDER BY id;
