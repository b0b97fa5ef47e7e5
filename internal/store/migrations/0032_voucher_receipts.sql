-- Issue 12 (docs/domain.md §8, docs/ledger.md): the public ledger's record of each step of a
-- voucher's life, so that the holder and the provider open its receipt from the voucher and the
-- statement pages: the sequence number publog.Append returned for voucher.issued (vouchers),
-- voucher.redeemed (voucher_redemptions) and voucher.settled (voucher_statements); 0 for rows
-- written before this migration.
ALTER TABLE vouchers ADD COLUMN issued_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE voucher_redemptions ADD COLUMN log_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE voucher_statements ADD COLUMN log_seq BIGINT NOT NULL DEFAULT 0;
