-- A measure's title in plain words beside its official one ("permanent admissions of older
-- people to care homes" for 2A(2)): shown on its page and found by the search.
ALTER TABLE measures ADD COLUMN plain_title text CHECK (length(plain_title) BETWEEN 1 AND 300);

UPDATE measures SET plain_title = 'Quality of life of people who use care and support' WHERE code = '1A';
UPDATE measures SET plain_title = 'People using care who feel in control of their daily life' WHERE code = '1B';
UPDATE measures SET plain_title = 'People using care who choose how their support is arranged (self-directed support)' WHERE code = '1C1A';
UPDATE measures SET plain_title = 'Carers who choose how their support is arranged (self-directed support)' WHERE code = '1C1B';
UPDATE measures SET plain_title = 'People using care who get direct payments to arrange their own support' WHERE code = '1C2A';
UPDATE measures SET plain_title = 'Carers who get direct payments' WHERE code = '1C2B';
UPDATE measures SET plain_title = 'Quality of life of carers' WHERE code = '1D';
UPDATE measures SET plain_title = 'Adults with learning disabilities in paid work' WHERE code = '1E';
UPDATE measures SET plain_title = 'Adults using mental health services in paid work' WHERE code = '1F';
UPDATE measures SET plain_title = 'Adults with learning disabilities living in their own home or with family' WHERE code = '1G';
UPDATE measures SET plain_title = 'Adults using mental health services living independently' WHERE code = '1H';
UPDATE measures SET plain_title = 'People using care who see people as often as they would like' WHERE code = '1I1';
UPDATE measures SET plain_title = 'Carers who see people as often as they would like' WHERE code = '1I2';
UPDATE measures SET plain_title = 'How much care and support improves people''s quality of life' WHERE code = '1J';
UPDATE measures SET plain_title = 'Permanent admissions of younger adults (18 to 64) to care homes' WHERE code = '2A1';
UPDATE measures SET plain_title = 'Permanent admissions of older people to care homes' WHERE code = '2A2';
UPDATE measures SET plain_title = 'Older people still at home 91 days after leaving hospital with reablement' WHERE code = '2B1';
UPDATE measures SET plain_title = 'Older people offered reablement after leaving hospital' WHERE code = '2B2';
UPDATE measures SET plain_title = 'Delays in leaving hospital (delayed transfers of care)' WHERE code = '2C1';
UPDATE measures SET plain_title = 'Delays in leaving hospital caused by social care' WHERE code = '2C2';
UPDATE measures SET plain_title = 'People needing no further support after short-term help' WHERE code = '2D';
UPDATE measures SET plain_title = 'Satisfaction of people using care with their care and support' WHERE code = '3A';
UPDATE measures SET plain_title = 'Satisfaction of carers with social services' WHERE code = '3B';
UPDATE measures SET plain_title = 'Carers consulted about the person they care for' WHERE code = '3C';
UPDATE measures SET plain_title = 'People using care who find information easily' WHERE code = '3D1';
UPDATE measures SET plain_title = 'Carers who find information easily' WHERE code = '3D2';
UPDATE measures SET plain_title = 'People using care who feel safe' WHERE code = '4A';
UPDATE measures SET plain_title = 'People who say their care makes them feel safe' WHERE code = '4B';
UPDATE measures SET plain_title = 'Older people living permanently in care homes' WHERE code = 'RN01';
UPDATE measures SET plain_title = 'Younger adults living permanently in care homes' WHERE code = 'RN02';
UPDATE measures SET plain_title = 'What a week in a care home costs the council' WHERE code = 'FIN_UC_RN';
UPDATE measures SET plain_title = 'What an hour of home care costs the council' WHERE code = 'FIN_HC_HOUR';
UPDATE measures SET plain_title = 'Spending on adult social care per adult' WHERE code = 'RW01';
UPDATE measures SET plain_title = 'Net spending on adult social care per adult' WHERE code = 'FIN_NET_ADULT';
