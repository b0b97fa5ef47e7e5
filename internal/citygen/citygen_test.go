package citygen

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func newApp(t *testing.T, db *store.DB) *app.App {
	t.Helper()
	box, err := secret.NewBox(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return app.New(db, box, kernel.Config{Argon2: secret.Argon2{Time: 1, Memory: 1024, Threads: 1}}, nil)
}

// count runs a query returning one number.
func count(t *testing.T, q *store.Q, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestBuildTiny builds the tiny city on each database and checks that what it wrote holds
// together: counts, households in grids of their own community, residents where their household
// is, valid and decryptable ID numbers, ledger entries within their contract's period and
// communities with participants living there.
func TestBuildTiny(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(t, db)
		s := Scales["tiny"]
		res, err := Build(ctx, a, Options{Scale: s, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		c := res.Counts
		if c.Grids != s.Grids || c.Households != s.Households {
			t.Errorf("counts %+v, want the scale %+v", c, s)
		}
		if c.Residents < s.Households || c.Residents > 5*s.Households || c.Entries != s.Entries || c.Contracts == 0 {
			t.Errorf("counts %+v", c)
		}
		q := db.Q()
		city := "330900000000"
		if n := count(t, q, `SELECT COUNT(*) FROM households h JOIN grids g ON g.id = h.grid_id
			WHERE h.community_code LIKE '3309%' AND g.community_code = h.community_code`); n != s.Households {
			t.Errorf("%d households in a grid of their community, want %d", n, s.Households)
		}
		if n := count(t, q, `SELECT COUNT(*) FROM people p JOIN households h ON h.id = p.household_id
			WHERE p.place_code LIKE '3309%' AND p.place_code = h.community_code`); n != c.Residents {
			t.Errorf("%d residents where their household is, want %d", n, c.Residents)
		}
		if n := count(t, q, `SELECT COUNT(*) FROM households h WHERE h.community_code LIKE '3309%'
			AND h.members <> (SELECT COUNT(*) FROM people p WHERE p.household_id = h.id)`); n != 0 {
			t.Errorf("%d households whose members are not their residents", n)
		}
		rows, err := q.Query(ctx, `SELECT id_enc, id_hash, id_masked, birth_year, gender FROM people WHERE place_code LIKE '3309%' AND kind = 'resident'`)
		if err != nil {
			t.Fatal(err)
		}
		elderly := 0
		for rows.Next() {
			var enc, hash, masked, gender string
			var year int
			if err := rows.Scan(&enc, &hash, &masked, &year, &gender); err != nil {
				t.Fatal(err)
			}
			id, err := a.Box.Open(enc, "people.id_number")
			if err != nil {
				t.Fatalf("ID number does not decrypt: %v", err)
			}
			if gongzhi.ValidateIDNumber(id, time.Now()) != "" || a.Box.Hash(id, "people.id_number") != hash || gongzhi.MaskIDNumber(id) != masked ||
				id[6:10] != itoa(year) || (id[16]-'0')%2 == 1 != (gender == "male") {
				t.Errorf("ID number %s does not fit (year %d, %s)", id, year, gender)
			}
			if demo.RefYear-year >= 60 {
				elderly++
			}
		}
		rows.Close()
		if share := float64(elderly) / float64(c.Residents); share < 0.12 || share > 0.30 {
			t.Errorf("elderly share %.2f", share)
		}
		if n := count(t, q, `SELECT COUNT(*) FROM service_entries e JOIN contracts ct ON ct.id = e.contract_id
			WHERE e.place_code LIKE '3309%' AND ct.state = 'signed' AND ct.org_id = e.org_id`); n != s.Entries {
			t.Errorf("%d entries of signed contracts of their provider, want %d", n, s.Entries)
		}
		// within the contract's period and communities
		ents, err := q.Query(ctx, `SELECT e.held_on, e.communities, cv.terms, a.communities FROM service_entries e
			JOIN contracts ct ON ct.id = e.contract_id JOIN contract_versions cv ON cv.contract_id = ct.id AND cv.version = ct.version
			JOIN applications a ON a.id = ct.application_id WHERE e.place_code LIKE '3309%'`)
		if err != nil {
			t.Fatal(err)
		}
		for ents.Next() {
			var held, comms, terms, appComms string
			if err := ents.Scan(&held, &comms, &terms, &appComms); err != nil {
				t.Fatal(err)
			}
			start := between(terms, `"start_on":"`, `"`)
			end := between(terms, `"end_on":"`, `"`)
			if held < start || held > end {
				t.Errorf("entry held on %s outside %s — %s", held, start, end)
			}
			for _, cm := range strings.Split(strings.Trim(comms, ","), ",") {
				if !strings.Contains(appComms, ","+cm+",") {
					t.Errorf("entry in %s, contract for %s", cm, appComms)
				}
			}
		}
		ents.Close()
		if n := count(t, q, `SELECT COUNT(*) FROM service_entry_people sp JOIN people p ON p.id = sp.person_id
			JOIN service_entries e ON e.id = sp.entry_id
			WHERE p.place_code = sp.place_code AND e.communities LIKE '%,' || sp.place_code || ',%' AND e.place_code LIKE '3309%'`); n != c.Participants || n == 0 {
			t.Errorf("%d participants living in their entry's community, want %d", n, c.Participants)
		}
		if n := count(t, q, `SELECT COUNT(*) FROM users WHERE username LIKE 'zs-%' AND place_code LIKE '3309%'`); n < 10 {
			t.Errorf("%d city accounts", n)
		}
		if n := count(t, q, `SELECT COUNT(*) FROM places WHERE code LIKE '3309%' AND level = 5`); n != s.Communities {
			t.Errorf("%d communities, want %d", n, s.Communities)
		}
		if n := count(t, q, `SELECT COUNT(*) FROM places WHERE code = ?`, city); n != 1 {
			t.Errorf("no city place")
		}
		// the sequence continues after the loaded entries
		var next int64
		if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			id, err := q.InsertID(ctx, `INSERT INTO service_entries (contract_id, org_id, place_code, kind, title, held_on, communities, summary,
				created_name, created_at, updated_at) SELECT contract_id, org_id, place_code, kind, title, held_on, communities, summary,
				created_name, created_at, updated_at FROM service_entries WHERE id = (SELECT MIN(id) FROM service_entries)`)
			next = id
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if max := count(t, q, `SELECT MAX(id) FROM service_entries WHERE id < ?`, next); int64(max) >= next {
			t.Errorf("next entry ID %d", next)
		}
		checkGridEvents(t, a, s, res)
	})
}

func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(after, to)
	return v
}

func itoa(n int) string {
	b := []byte{byte('0' + n/1000), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)}
	return string(b)
}
