-- Once rules of buying services that had no constraint behind them (issue 9): an expert's
-- conflict with an organization is recorded once per call (and application, when it names one),
-- and a file is attached to an application once. Duplicates written before — by requests that
-- raced each other — are removed first, keeping the first row of each.
DELETE FROM review_conflicts WHERE id NOT IN (
    SELECT MIN(id) FROM review_conflicts GROUP BY call_id, person_id, org_id, COALESCE(application_id, 0));
CREATE UNIQUE INDEX review_conflicts_once ON review_conflicts (call_id, person_id, org_id, COALESCE(application_id, 0));

DELETE FROM application_attachments WHERE id NOT IN (
    SELECT MIN(id) FROM application_attachments GROUP BY application_id, sha256);
CREATE UNIQUE INDEX application_attachments_once ON application_attachments (application_id, sha256);
