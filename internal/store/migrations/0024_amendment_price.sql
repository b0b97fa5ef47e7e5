-- Issue 11, item 7 (docs/domain.md §4.2, §4.8): a contract amendment's amount is checked against
-- its category's price range, as applications and awards are; where the category allows
-- exceptions, the version records the reason for an amount outside the range.
ALTER TABLE contract_versions ADD COLUMN price_exception TEXT NOT NULL DEFAULT '';
