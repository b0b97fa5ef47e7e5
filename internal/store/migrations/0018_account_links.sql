-- Paper score sheets (issue 11): a score the purchaser (the review's secretary) transcribed
-- from a panel member's paper sheet names who entered it; NULL for a score the expert submitted
-- with their own account. Once per member and application stays the UNIQUE (application_id,
-- person_id) of review_scores.
ALTER TABLE review_scores ADD COLUMN entered_by BIGINT REFERENCES users (id);
