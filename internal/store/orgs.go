// Social organizations.

package store

import (
	"context"
	"time"

	"gongzhi"
)

const orgCols = `o.id, o.name, COALESCE(o.credit_code, ''), o.type, o.reg_state, o.origin, o.legal_rep, o.contact_name, o.contact_phone,
	o.email, o.address, o.place_code, COALESCE(p.name, ''), o.service_fields, o.staff, o.licensed_sw, o.grade, o.incubation,
	o.registered_on, o.notes, o.created_by_import, o.created_at, o.updated_at`

const orgFrom = "organizations o LEFT JOIN places p ON p.code = o.place_code"

func scanOrg(s scanner) (*gongzhi.Organization, error) {
	var o gongzhi.Organization
	var fields string
	err := s.Scan(&o.ID, &o.Name, &o.CreditCode, &o.Type, &o.RegState, &o.Origin, &o.LegalRep, &o.ContactName, &o.ContactPhone,
		&o.Email, &o.Address, &o.PlaceCode, &o.PlaceName, &fields, &o.Staff, &o.LicensedSW, &o.Grade, &o.Incubation,
		&o.RegisteredOn, &o.Notes, &o.CreatedByImport, &o.CreatedAt, &o.UpdatedAt)
	o.ServiceFields = splitList(fields)
	return &o, mapErr(err)
}

func orgScope(w *where, s Scope) {
	w.scope(s, "o.id", "o.place_code")
}

// GetOrganization returns an organization within scope.
func (q *Q) GetOrganization(ctx context.Context, s Scope, id int64) (*gongzhi.Organization, error) {
	w := &where{}
	w.add("o.id = ?", id)
	orgScope(w, s)
	return scanOrg(q.QueryRow(ctx, "SELECT "+orgCols+" FROM "+orgFrom+w.sql(), w.args...))
}

var orgSorts = map[string]string{"name": "o.name", "credit_code": "o.credit_code", "type": "o.type", "grade": "o.grade",
	"staff": "o.staff", "incubation": "o.incubation", "created_at": "o.created_at", "updated_at": "o.updated_at"}

// ListOrganizations lists organizations. Filters: type, reg_state, origin, grade, incubation,
// service_field, place (prefix of place code).
func (q *Q) ListOrganizations(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Organization) error) (int, error) {
	w := &where{}
	orgScope(w, s)
	w.search(opts.Q, "o.name", "o.credit_code", "o.legal_rep", "o.contact_name")
	for _, k := range []string{"type", "reg_state", "origin", "grade", "incubation"} {
		if v, ok := opts.Filters[k]; ok && v != "" {
			w.add("o."+k+" = ?", v)
		}
	}
	if v := opts.Filters["service_field"]; v != "" {
		w.add("o.service_fields LIKE ?", "%,"+v+",%")
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("o.place_code", v)
	}
	return list(ctx, q, orgCols, orgFrom, w, orderBy(opts, orgSorts, "o.id DESC", "o.id"), opts, scanOrg, each)
}

func orgArgs(o *gongzhi.Organization) []any {
	return []any{o.Name, nullStr(o.CreditCode), o.Type, o.RegState, o.Origin, o.LegalRep, o.ContactName, o.ContactPhone,
		o.Email, o.Address, o.PlaceCode, joinList(o.ServiceFields), o.Staff, o.LicensedSW, o.Grade, o.Incubation, o.RegisteredOn, o.Notes}
}

// InsertOrganization adds an organization; a taken credit code is a unique violation.
func (q *Q) InsertOrganization(ctx context.Context, o *gongzhi.Organization, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO organizations (name, credit_code, type, reg_state, origin, legal_rep, contact_name,
		contact_phone, email, address, place_code, service_fields, staff, licensed_sw, grade, incubation, registered_on, notes,
		created_by_import, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(orgArgs(o), o.CreatedByImport, now.UTC(), now.UTC())...)
	o.ID = id
	o.CreatedAt, o.UpdatedAt = now, now
	return err
}

// UpdateOrganization saves an organization.
func (q *Q) UpdateOrganization(ctx context.Context, o *gongzhi.Organization, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE organizations SET name = ?, credit_code = ?, type = ?, reg_state = ?, origin = ?, legal_rep = ?,
		contact_name = ?, contact_phone = ?, email = ?, address = ?, place_code = ?, service_fields = ?, staff = ?, licensed_sw = ?,
		grade = ?, incubation = ?, registered_on = ?, notes = ?, updated_at = ? WHERE id = ?`,
		append(orgArgs(o), now.UTC(), o.ID)...)
	o.UpdatedAt = now
	return err
}

// DeleteOrganization removes an organization nothing refers to.
func (q *Q) DeleteOrganization(ctx context.Context, id int64) error {
	return q.deleteOne(ctx, "organizations", id)
}

// CreditCodeTaken reports whether another organization holds the code.
func (q *Q) CreditCodeTaken(ctx context.Context, code string, exceptID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM organizations WHERE credit_code = ? AND id <> ?`, code, exceptID).Scan(&n)
	return n > 0, mapErr(err)
}
