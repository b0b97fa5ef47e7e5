package web_test

// A year of delivery data for the street dashboard benchmark, inserted fast: multi-row INSERTs in
// one transaction through the store package, straight into the tables the ledger, sampling and
// supervision parts write (the benchmark measures reading it, not writing it; writing through
// the API is BenchmarkLedgerWrite's job).

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/store"
)

// benchLedgerScale multiplies the ledger entries of each contract and month: the environment
// variable GONGZHI_BENCH_LEDGER asks for about that many entries in all (the default year has
// about 7,600; GONGZHI_BENCH_LEDGER=1000000 makes a city's five years of ledger on one street).
// The residents stay 40 a community, so a larger ledger names the same people more often.
func benchLedgerScale() int {
	n, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_LEDGER"))
	if err != nil || n <= 7600 {
		return 1
	}
	return (n + 7599) / 7600
}

// benchLedger counts what seedDashboardLedger inserted.
type benchLedger struct {
	residents, entries, people, evidence, ratings, inspections, rects, surveys, answers int
}

func (l benchLedger) String() string {
	return fmt.Sprintf("%d residents, %d ledger entries with %d named participations and %d evidence files, %d ratings, "+
		"%d inspections, %d rectifications, %d surveys with %d answers", l.residents, l.entries, l.people, l.evidence, l.ratings,
		l.inspections, l.rects, l.surveys, l.answers)
}

// benchInsert inserts rows of ncols values each with multi-row INSERTs of head (which ends in
// "VALUES ").
func benchInsert(ctx context.Context, q *store.Q, head string, ncols int, rows [][]any) error {
	const batch = 250
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncols), ", ") + ")"
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, (end-start)*ncols)
		for i := start; i < end; i++ {
			if i > start {
				sb.WriteString(", ")
			}
			sb.WriteString(ph)
			args = append(args, rows[i]...)
		}
		if _, err := q.Exec(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// seedDashboardLedger fills the service year of the contracts (each runs twelve months from its
// start; the year is taken up to the day before until): 40 residents in each community; for
// each contract and month 8–20 ledger entries (casework, groups, community events, trainings)
// in its communities, with named participants from their residents and counted ones,
// volunteers with their minutes and a photo each; a few residents' ratings; the monthly
// inspection of every month before until's (a finding in about one in eight, raising a
// rectification order — closed, answered or still open, some past their deadline; the previous
// month's inspection left undone for one contract in five); and a satisfaction survey of 20
// recipients each quarter.
func seedDashboardLedger(tb testing.TB, a *app.App, contracts []*gongzhi.Contract, until time.Time) benchLedger {
	tb.Helper()
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(2026, 4))
	var n benchLedger
	lastDay := gongzhi.DateOf(until.AddDate(0, 0, -1))
	lastMonth := gongzhi.MonthOf(until)
	now := until.UTC()
	scale := benchLedgerScale()
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		// residents of every community the contracts serve
		comms := map[string]bool{}
		for _, ct := range contracts {
			cs, err := q.ContractCommunities(ctx, ct.ID)
			if err != nil {
				return err
			}
			for _, c := range cs {
				comms[c] = true
			}
		}
		var ps []*gongzhi.Person
		var secs []store.PersonSecret
		surnames := []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
		given := []rune("秀英桂兰玉凤建国志强海燕国华明德淑珍卫东丽娟春梅")
		for c := range comms {
			for i := range 40 {
				name := string(surnames[rnd.IntN(len(surnames))]) + string(given[rnd.IntN(len(given))]) + string(given[rnd.IntN(len(given))])
				ps = append(ps, &gongzhi.Person{Kind: "resident", Name: name, Gender: []string{"female", "male"}[i%2],
					BirthYear: 1935 + rnd.IntN(70), PlaceCode: c, TargetGroups: []string{"elderly"}})
				secs = append(secs, store.PersonSecret{})
			}
		}
		if err := q.InsertPeopleBatch(ctx, ps, secs, now); err != nil {
			return err
		}
		n.residents = len(ps)
		residents := map[string][]int64{}
		rows, err := q.Query(ctx, `SELECT id, place_code FROM people WHERE kind = 'resident' ORDER BY id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var place string
			if err := rows.Scan(&id, &place); err != nil {
				rows.Close()
				return err
			}
			if comms[place] {
				residents[place] = append(residents[place], id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}

		kinds := []struct {
			kind, title, venue string
			weight             int
		}{{"casework", "个案服务", "服务对象家中", 30}, {"group", "小组活动", "社区活动室", 30}, {"community", "社区活动", "社区广场", 25},
			{"training", "志愿者培训", "社区会议室", 15}}
		pickKind := func() int {
			r := rnd.IntN(100)
			for i, k := range kinds {
				if r < k.weight {
					return i
				}
				r -= k.weight
			}
			return 0
		}
		type made struct {
			id     int64
			heldOn string
			people []int64
			places []string
		}
		var peopleRows, evidenceRows, ratingRows, inspRows, rectRows [][]any
		for ci, ct := range contracts {
			t := ct.Current.Terms
			cs, err := q.ContractCommunities(ctx, ct.ID)
			if err != nil {
				return err
			}
			pool := map[int64]string{}
			for _, c := range cs {
				for _, id := range residents[c] {
					pool[id] = c
				}
			}
			var poolIDs []int64
			for _, c := range cs {
				poolIDs = append(poolIDs, residents[c]...)
			}
			var groupsText string
			if err := q.QueryRow(ctx, `SELECT ap.target_groups FROM contracts ct JOIN applications ap ON ap.id = ct.application_id
				WHERE ct.id = ?`, ct.ID).Scan(&groupsText); err != nil {
				return err
			}
			var groups []string
			if strings.HasPrefix(groupsText, "[") {
				if err := json.Unmarshal([]byte(groupsText), &groups); err != nil {
					return err
				}
			} else {
				groups = strings.Split(strings.Trim(groupsText, ","), ",")
			}
			creator := fmt.Sprintf("bench-prov-%d", ci+1)
			var entryRows [][]any
			var planned []made
			start, _ := gongzhi.ParseDate(t.StartOn)
			for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, gongzhi.ChinaTime); gongzhi.MonthOf(m) <= lastMonth; m = m.AddDate(0, 1, 0) {
				days := m.AddDate(0, 1, -1).Day()
				var open []string
				for d := range days {
					day := gongzhi.DateOf(m.AddDate(0, 0, d))
					if day >= t.StartOn && day <= t.EndOn && day <= lastDay {
						open = append(open, day)
					}
				}
				if len(open) == 0 {
					continue
				}
				count := (8 + rnd.IntN(13)) * len(open) / days * scale
				for k := range max(count, 1) {
					heldOn := open[rnd.IntN(len(open))]
					ki := pickKind()
					kd := kinds[ki]
					var named []int64
					counted := 0
					switch kd.kind {
					case "casework":
						named = []int64{poolIDs[rnd.IntN(len(poolIDs))]}
					case "group":
						for _, i := range rnd.Perm(len(poolIDs))[:4+rnd.IntN(7)] {
							named = append(named, poolIDs[i])
						}
					case "community":
						for _, i := range rnd.Perm(len(poolIDs))[:2+rnd.IntN(5)] {
							named = append(named, poolIDs[i])
						}
						counted = 10 + rnd.IntN(31)
					default:
						counted = 8 + rnd.IntN(13)
					}
					places := map[string]bool{}
					var placeList []string
					for _, id := range named {
						if !places[pool[id]] {
							places[pool[id]] = true
						}
					}
					for _, c := range cs {
						if places[c] {
							placeList = append(placeList, c)
						}
					}
					if len(placeList) == 0 {
						placeList = []string{cs[rnd.IntN(len(cs))]}
					}
					var vols []string
					volMinutes := 0
					for v := range rnd.IntN(4) {
						mins := 60 + 30*rnd.IntN(7)
						volMinutes += mins
						vols = append(vols, fmt.Sprintf(`{"name":"志愿者%c%d","minutes":%d}`, surnames[(ci+v)%len(surnames)], v+1, mins))
					}
					startMin := 8*60 + 30*rnd.IntN(18)
					minutes := 60 + 30*rnd.IntN(3)
					hm := func(x int) string { return fmt.Sprintf("%02d:%02d", x/60, x%60) }
					title := fmt.Sprintf("%s（%s 第%d次）", kd.title, heldOn[:7], k+1)
					entryRows = append(entryRows, []any{ct.ID, ct.OrgID, ct.PlaceCode, kd.kind, title, heldOn, hm(startMin), hm(startMin + minutes),
						minutes, kd.venue, "," + strings.Join(placeList, ",") + ",", "," + strings.Join(groups, ",") + ",", counted,
						len(named) + counted, "[" + strings.Join(vols, ",") + "]", volMinutes, "按计划开展，服务对象参与积极。", "active", 1, "",
						creator, now, now})
					planned = append(planned, made{heldOn: heldOn, people: named, places: placeList})
				}
			}
			if err := benchInsert(ctx, q, `INSERT INTO service_entries (contract_id, org_id, place_code, kind, title, held_on, start_time,
				end_time, minutes, venue, communities, target_groups, counted, visits, volunteers, volunteer_minutes, summary, state, version,
				reason, created_name, created_at, updated_at) VALUES `, 23, entryRows); err != nil {
				return err
			}
			// the ids in insertion order (one connection, one transaction, multi-row INSERTs in order)
			ids, err := q.Query(ctx, `SELECT id FROM service_entries WHERE contract_id = ? ORDER BY id`, ct.ID)
			if err != nil {
				return err
			}
			i := 0
			for ids.Next() {
				if i < len(planned) {
					if err := ids.Scan(&planned[i].id); err != nil {
						ids.Close()
						return err
					}
				}
				i++
			}
			ids.Close()
			if i != len(planned) {
				return fmt.Errorf("contract %d: %d entries read back, %d inserted", ct.ID, i, len(planned))
			}
			n.entries += len(planned)
			recipients := map[int64]bool{}
			for _, e := range planned {
				for _, p := range e.people {
					peopleRows = append(peopleRows, []any{e.id, ct.ID, p, pool[p]})
					recipients[p] = true
				}
				sum := fmt.Sprintf("%064x", uint64(e.id)*2654435761)
				evidenceRows = append(evidenceRows, []any{e.id, "签到表与活动照片.jpg", 180_000 + rnd.IntN(400_000), sum[len(sum)-64:], "image/jpeg",
					creator, now})
				if len(e.people) > 0 && rnd.IntN(20) == 0 {
					held, _ := gongzhi.ParseDate(e.heldOn)
					at := held.Add(20 * time.Hour)
					if at.Before(until) {
						p := e.people[0]
						ratingRows = append(ratingRows, []any{e.id, ct.ID, pool[p], p, 3 + rnd.IntN(3), "服务很好", at.UTC()})
					}
				}
			}

			n.people, n.evidence = n.people+len(peopleRows), n.evidence+len(evidenceRows)
			if err := benchInsert(ctx, q, `INSERT INTO service_entry_people (entry_id, contract_id, person_id, place_code) VALUES `, 4,
				peopleRows); err != nil {
				return err
			}
			if err := benchInsert(ctx, q, `INSERT INTO service_evidence (entry_id, name, size, sha256, content_type, uploaded_name,
				uploaded_at) VALUES `, 7, evidenceRows); err != nil {
				return err
			}
			peopleRows, evidenceRows = peopleRows[:0], evidenceRows[:0]

			// monthly inspections before until's month; a finding in about one in eight
			for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, gongzhi.ChinaTime); gongzhi.MonthOf(m) < lastMonth; m = m.AddDate(0, 1, 0) {
				month := gongzhi.MonthOf(m)
				due := gongzhi.MonthDueOn(month)
				if gongzhi.MonthOf(m.AddDate(0, 1, 0)) == lastMonth && ci%5 == 0 {
					inspRows = append(inspRows, []any{ct.ID, ct.OrgID, ct.PlaceCode, month, due, "due", 0, "", "", "", "[]", "", "", now, now})
					continue
				}
				var checks []string
				finding := ""
				for j, key := range gongzhi.DefaultChecklist {
					if finding == "" && rnd.IntN(8*len(gongzhi.DefaultChecklist)) == 0 {
						finding = key
						checks = append(checks, fmt.Sprintf(`{"key":%q,"result":"finding","severity":"minor","note":"第%d项需改进"}`, key, j+1))
						continue
					}
					checks = append(checks, fmt.Sprintf(`{"key":%q,"result":"ok"}`, key))
				}
				inspected := gongzhi.DateOf(m.AddDate(0, 0, 19))
				inspRows = append(inspRows, []any{ct.ID, ct.OrgID, ct.PlaceCode, month, due, "done", min(100, 8*(int(m.Month())+1)),
					"按计划推进", "部分居民白天外出，入户难", "各项活动按月开展", "[" + strings.Join(checks, ",") + "]", inspected, "gt-hub", now, now})
				if finding != "" {
					n.rects++
					deadline := gongzhi.DateOf(m.AddDate(0, 0, 33))
					state, answer := gongzhi.RectClosed, "已整改，补齐台账"
					var answered, closed any = now, now
					switch {
					case deadline >= lastDay && rnd.IntN(2) == 0:
						state, answer, answered, closed = gongzhi.RectOpen, "", nil, nil
					case deadline >= lastDay:
						state, closed = gongzhi.RectAnswered, nil
					case rnd.IntN(6) == 0:
						state, answer, answered, closed = gongzhi.RectOpen, "", nil, nil // overdue
					}
					rectRows = append(rectRows, []any{ct.ID, month, finding, ct.ID, ct.OrgID, ct.PlaceCode, month, "minor",
						"按检查意见整改：" + finding, deadline, state, answer, answered, closed, "gt-hub", now, now})
				}
			}

			// a satisfaction survey each quarter: 20 recipients, answered over the quarter's last month
			var recIDs []int64
			for _, id := range poolIDs {
				if recipients[id] {
					recIDs = append(recIDs, id)
				}
			}
			for mo := 3; mo <= 12; mo += 3 {
				m := time.Date(start.Year(), time.Month(mo), 1, 10, 0, 0, 0, gongzhi.ChinaTime)
				if !m.AddDate(0, 0, 25).Before(until) || len(recIDs) < 20 {
					continue
				}
				sid, err := q.InsertID(ctx, `INSERT INTO surveys (contract_id, org_id, place_code, margin_bp, seed, population, size, note,
					created_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ct.ID, ct.OrgID, ct.PlaceCode, 1500, rnd.Int64(),
					len(recIDs), 20, "季度满意度抽样", "gt-hub", m.UTC())
				if err != nil {
					return err
				}
				n.surveys++
				var sampleRows [][]any
				for j, i := range rnd.Perm(len(recIDs))[:20] {
					p := recIDs[i]
					answer, score := "satisfied", 5
					switch r := rnd.IntN(100); {
					case r < 8:
						answer, score = "unsatisfied", 2
					case r < 13:
						answer, score = "unreachable", 0
					}
					sampleRows = append(sampleRows, []any{sid, p, pool[p], answer, score, "", "gt-hub", m.AddDate(0, 0, j).UTC()})
					n.answers++
				}
				if err := benchInsert(ctx, q, `INSERT INTO survey_samples (survey_id, person_id, place_code, answer, score, comment,
					answered_name, answered_at) VALUES `, 8, sampleRows); err != nil {
					return err
				}
			}
		}
		n.ratings, n.inspections = len(ratingRows), len(inspRows)
		for _, x := range []struct {
			head string
			cols int
			rows [][]any
		}{
			{`INSERT INTO service_ratings (entry_id, contract_id, place_code, person_id, score, comment, created_at) VALUES `, 7, ratingRows},
			{`INSERT INTO inspections (contract_id, org_id, place_code, month, due_on, state, progress_pct, progress, difficulties, results,
				checklist, inspected_on, inspector, created_at, updated_at) VALUES `, 15, inspRows},
		} {
			if err := benchInsert(ctx, q, x.head, x.cols, x.rows); err != nil {
				return err
			}
		}
		// rectifications point at their inspection: looked up by contract and month
		for _, r := range rectRows {
			var inspID int64
			if err := q.QueryRow(ctx, `SELECT id FROM inspections WHERE contract_id = ? AND month = ?`, r[0], r[1]).Scan(&inspID); err != nil {
				return err
			}
			r[0] = inspID
			r = append(r[:1], r[2:]...)
			if _, err := q.Exec(ctx, `INSERT INTO rectifications (inspection_id, check_key, contract_id, org_id, place_code, month, severity,
				requirement, deadline, state, answer, answered_at, closed_at, created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r...); err != nil {
				return err
			}
		}
		// the ledger went in straight, as a bulk loader's does: its kept totals are rebuilt after
		return q.RebuildLedgerTotals(ctx)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
