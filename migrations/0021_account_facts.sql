-- The Regional Account's governance and culture sentences (seed 004) from the analyst's
-- facts: the director's responsibilities besides adult social care, the thematic improvement
-- areas with a named point of contact at the council, and personalisation progress in the
-- region's three bands.
ALTER TABLE council_facts DROP CONSTRAINT council_facts_kind_check;
ALTER TABLE council_facts ADD CONSTRAINT council_facts_kind_check
    CHECK (kind IN ('dass_since', 'dass_changes', 'political_control', 'control_changes',
                    'savings_required', 'network_attendance', 'local_account', 'peer_challenge',
                    'dass_remit', 'thematic_contacts', 'personalisation'));
