-- Indexes for the lists and public pages of purchase, supervision, complaints and the audit log
-- at a city's scale (issue 10): each serves a list's scope with its default order and unique tie
-- key, so that a page reads its rows in order instead of sorting every row in scope.
-- contracts of a place, newest first (the office's list; ct.id DESC)
CREATE INDEX contracts_place ON contracts (place_code, id);
-- signed contracts, newest signature first (the public disclosure; ct.signed_at DESC, ct.id DESC)
CREATE INDEX contracts_signed ON contracts (state, signed_at, id);
-- complaints of a community or an organization, newest first (cp.id DESC)
CREATE INDEX complaints_community ON complaints (community_code, id);
CREATE INDEX complaints_org_id ON complaints (org_id, id);
-- inspections of a month in a place (the supervision page's month)
CREATE INDEX inspections_place_month ON inspections (place_code, month, id);
-- rectifications of a place, newest first (r.id DESC)
CREATE INDEX rectifications_place_id ON rectifications (place_code, id);
-- evaluations of a place, newest first
CREATE INDEX evaluations_place_id ON evaluations (place_code, id);
-- the audit log, newest first with its tie key (at DESC, id DESC)
CREATE INDEX audit_at_id ON audit_log (at, id);
DROP INDEX audit_at;
-- payments made, newest first (the public list; p.paid_on DESC, p.id DESC)
CREATE INDEX payments_paid_on ON payments (paid_on, id);
