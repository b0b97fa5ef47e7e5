// Accounts linked to the people they are: the accounts of one role within a reach with the
// person each is linked to, the people of one kind within a reach that an account may be linked
// to, and who holds a person.

package store

import (
	"context"
	"database/sql"
	"strconv"

	"gongzhi"
)

// Reach is where the records of a link lie: at a place under Prefix ("" for everywhere), or at
// one of the places At (the places above it whose expert pool a purchaser's calls draw from).
type Reach struct {
	Prefix string
	At     []string
}

// add limits w to the rows whose col lies within r.
func (r Reach) add(w *where, col string) {
	if r.Prefix == "" {
		return
	}
	c, a := scopeRange(col, r.Prefix)
	if len(r.At) > 0 {
		c = "(" + c + " OR " + col + " IN (" + placeholders(len(r.At)) + "))"
		for _, x := range r.At {
			a = append(a, x)
		}
	}
	w.add(c, a...)
}

const accountLinkCols = `u.id, u.username, u.display_name, u.role, COALESCE(u.place_code, ''), COALESCE(pl.name, ''),
	COALESCE(o.name, ''), COALESCE(u.person_id, 0), COALESCE(pe.name, ''), COALESCE(pe.id_masked, '')`

const accountLinkFrom = `users u LEFT JOIN places pl ON pl.code = u.place_code LEFT JOIN organizations o ON o.id = u.org_id
	LEFT JOIN people pe ON pe.id = u.person_id`

func scanAccountLink(s scanner) (*gongzhi.AccountLink, error) {
	var l gongzhi.AccountLink
	err := s.Scan(&l.UserID, &l.Username, &l.DisplayName, &l.Role, &l.PlaceCode, &l.PlaceName, &l.OrgName, &l.PersonID,
		&l.PersonName, &l.PersonIDMasked)
	return &l, mapErr(err)
}

var accountLinkSorts = map[string]string{"username": "u.username"}

// ListAccountLinks lists the accounts of role whose place lies within r (an account of an
// organization: whose organization's place does), with the person each is linked to. Filters:
// linked ("1" linked, "0" not), user (one account's id). opts.Q searches username and display name.
func (q *Q) ListAccountLinks(ctx context.Context, role string, r Reach, opts ListOptions, each func(*gongzhi.AccountLink) error) (int, error) {
	w := &where{}
	w.add("u.role = ?", role)
	if r.Prefix != "" {
		inner := &where{}
		r.add(inner, "u.place_code")
		org := &where{}
		r.add(org, "o.place_code")
		w.add("(("+inner.parts[0]+") OR ("+org.parts[0]+"))", append(inner.args, org.args...)...)
	}
	if v := opts.Filters["user"]; v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		w.add("u.id = ?", id)
	}
	switch opts.Filters["linked"] {
	case "1":
		w.add("u.person_id IS NOT NULL")
	case "0":
		w.add("u.person_id IS NULL")
	}
	w.search(opts.Q, "u.username", "u.display_name")
	return list(ctx, q, accountLinkCols, accountLinkFrom, w, orderBy(opts, accountLinkSorts, "u.username", "u.id"), opts, scanAccountLink, each)
}

// GetAccountLink returns one account with the person it is linked to.
func (q *Q) GetAccountLink(ctx context.Context, userID int64) (*gongzhi.AccountLink, error) {
	return scanAccountLink(q.QueryRow(ctx, "SELECT "+accountLinkCols+" FROM "+accountLinkFrom+" WHERE u.id = ?", userID))
}

// LinkCandidates returns at most limit people of kind within r whose name contains name (or
// whose id is id, when id is not 0), by name, ID numbers masked.
func (q *Q) LinkCandidates(ctx context.Context, kind string, r Reach, name string, limit int) ([]*gongzhi.Person, error) {
	w := &where{}
	w.add("pe.kind = ?", kind)
	r.add(w, "pe.place_code")
	w.search(name, "pe.name")
	rows, err := q.Query(ctx, "SELECT "+personCols+" FROM "+personFrom+w.sql()+" ORDER BY pe.name, pe.id LIMIT ?", append(w.args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// PersonAccount returns the account a person is linked to (at most one: the UNIQUE index
// users_person_once), 0 if none.
func (q *Q) PersonAccount(ctx context.Context, personID int64) (int64, error) {
	id, _, err := q.PersonHolder(ctx, personID)
	return id, err
}

// PersonHolder returns the account a person is linked to and its username; 0 and "" if none.
func (q *Q) PersonHolder(ctx context.Context, personID int64) (int64, string, error) {
	var id int64
	var username string
	err := q.QueryRow(ctx, `SELECT id, username FROM users WHERE person_id = ?`, personID).Scan(&id, &username)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	return id, username, mapErr(err)
}
