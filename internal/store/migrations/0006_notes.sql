-- Notes as data (gongzhi.Note, notes.go): a line of history or of a budget's ledger says what it
-- says as a code (note_code, one of gongzhi.NoteCodes; '' for nothing) and the code's arguments
-- (note_args, a JSON array of strings), shown in the reader's language by the web layer, instead
-- of an English sentence in note. The Go step notes_as_data (internal/store/migrate_notes.go)
-- reads the sentences already written into codes once — and, for the awards' lines, the
-- application they name into application_id; a sentence it cannot read is kept whole as the code
-- "legacy", so nothing is lost. Then the sentences' columns go.
ALTER TABLE purchase_history ADD COLUMN note_code TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_history ADD COLUMN note_args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE budget_ledger ADD COLUMN note_code TEXT NOT NULL DEFAULT '';
ALTER TABLE budget_ledger ADD COLUMN note_args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE complaint_history ADD COLUMN note_code TEXT NOT NULL DEFAULT '';
ALTER TABLE complaint_history ADD COLUMN note_args TEXT NOT NULL DEFAULT '[]';
-- @go notes_as_data
ALTER TABLE purchase_history DROP COLUMN note;
ALTER TABLE budget_ledger DROP COLUMN note;
ALTER TABLE complaint_history DROP COLUMN note;

-- An award overturned because its call was cancelled gives the call's reason, in the words the
-- purchaser wrote, not an English phrase; an automatic proposal has no purchaser's note.
UPDATE awards SET overturn_reason = (SELECT c.cancel_reason FROM calls c WHERE c.id = awards.call_id)
    WHERE overturn_reason = 'call cancelled';
UPDATE awards SET note = '' WHERE note = 'proposal';
