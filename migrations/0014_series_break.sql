-- A measure's break in series: the first period of its current series and why earlier periods
-- are not comparable ("2014-15: …"). Charts and year-on-year changes never join across it.
ALTER TABLE measures ADD COLUMN series_break text;

UPDATE measures SET series_break =
    '2014-15: the finance return''s classifications changed with the Care Act (ASC-FR replaced PSS-EX1); earlier years are not comparable'
WHERE code IN ('RW01', 'FIN_UC_RN');
