-- Accounts linked to the people they are, and paper score sheets (issue 11).
-- A person is the person of one account at most: of two links of one expert, resident or social
-- worker to two accounts, the second is refused (registry.LinkAccountPerson: account_link.person_taken).
CREATE UNIQUE INDEX users_person ON users (person_id);
-- A score the purchaser (the review's secretary) transcribed from a panel member's paper sheet
-- names who entered it; NULL for a score the expert submitted with their own account.
ALTER TABLE review_scores ADD COLUMN entered_by BIGINT REFERENCES users (id);
