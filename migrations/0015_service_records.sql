-- The service's own records as measures: the analyst's record of network attendance, Local
-- Accounts and peer challenges beside the regional facts, and a provenance for the values the
-- service derives from its records (self-assessments, returns on time, the facts).
ALTER TABLE council_facts DROP CONSTRAINT council_facts_kind_check;
ALTER TABLE council_facts ADD CONSTRAINT council_facts_kind_check
    CHECK (kind IN ('dass_since', 'dass_changes', 'political_control', 'control_changes',
                    'savings_required', 'network_attendance', 'local_account', 'peer_challenge'));

ALTER TABLE submissions DROP CONSTRAINT submissions_kind_check;
ALTER TABLE submissions ADD CONSTRAINT submissions_kind_check
    CHECK (kind IN ('official', 'council_return', 'illustrative', 'service_record'));
