-- A final assessment is changed only through a new revision: the revision an assessment is in
-- and the revision each entry was recorded in.
ALTER TABLE assessments ADD COLUMN revision integer NOT NULL DEFAULT 1 CHECK (revision > 0);
ALTER TABLE assessment_entries ADD COLUMN revision integer NOT NULL DEFAULT 1 CHECK (revision > 0);

-- The steps that close the year without a discussion, and that open a new revision.
ALTER TABLE assessment_entries DROP CONSTRAINT assessment_entries_kind_check;
ALTER TABLE assessment_entries ADD CONSTRAINT assessment_entries_kind_check
    CHECK (kind IN ('concerns', 'response', 'discussion', 'judgement', 'support', 'final',
                    'final_without_discussion', 'reopen'));
