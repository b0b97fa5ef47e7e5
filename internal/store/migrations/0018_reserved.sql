-- reserved for the account links migration (merged next)
SELECT 1;
