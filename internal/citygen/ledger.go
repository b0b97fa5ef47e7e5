// The service ledger of the generated city: entries spread over the contracts in proportion to
// their amounts, each held within its contract's period (and not after today) in one of the
// contract's communities, with one to four named participants who live there.

package citygen

import (
	"context"
	"fmt"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

// afterBulkLedger runs after the ledger was bulk-loaded, in the same transaction as its last
// batch: the ledger totals the dashboards read (kept on every write, internal/store/ledger_totals.go)
// are rebuilt from the loaded entries, since the bulk load bypasses the write path.
func afterBulkLedger(ctx context.Context, q *store.Q) error {
	return q.RebuildLedgerTotals(ctx)
}

var entryKinds = []struct {
	kind, title, venue string
	minutes            int
}{
	{gongzhi.ActivityCasework, "入户探访", "服务对象家中", 60},
	{gongzhi.ActivityGroup, "互助小组活动", "社区党群服务中心活动室", 90},
	{gongzhi.ActivityCommunity, "社区主题活动", "社区广场", 120},
	{gongzhi.ActivityTraining, "志愿者培训", "社区党群服务中心会议室", 120},
}

func (c *city) writeLedger(ctx context.Context) error {
	today := time.Date(c.now.Year(), c.now.Month(), c.now.Day(), 0, 0, 0, 0, gongzhi.ChinaTime)
	var live []*contractPlan
	var sum float64
	for _, ct := range c.contracts {
		if !ct.start.After(today) && len(ct.communities) > 0 {
			live = append(live, ct)
			sum += float64(ct.amount)
		}
	}
	if len(live) == 0 || c.opts.Scale.Entries == 0 {
		return c.a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error { return afterBulkLedger(ctx, q) })
	}
	want := make([]int, len(live))
	given := 0
	for i, ct := range live {
		want[i] = int(float64(c.opts.Scale.Entries) * float64(ct.amount) / sum)
		given += want[i]
	}
	for i := 0; given < c.opts.Scale.Entries; i = (i + 1) % len(want) {
		want[i]++
		given++
	}
	next, err := c.a.DB.Q().NextID(ctx, "service_entries")
	if err != nil {
		return err
	}
	const batch = 20000
	var es []store.BulkEntry
	flush := func(last bool) error {
		err := c.a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			if err := q.BulkCache(ctx); err != nil {
				return err
			}
			if err := q.InsertEntriesBatch(ctx, es); err != nil {
				return err
			}
			if !last {
				return nil
			}
			if err := q.FixSequence(ctx, "service_entries"); err != nil {
				return err
			}
			if err := c.a.WriteAudit(ctx, q, c.sys, "import", "service_entries", "", nil,
				map[string]int{"entries": c.res.Counts.Entries + len(es)}, "citygen"); err != nil {
				return err
			}
			return afterBulkLedger(ctx, q)
		})
		if err != nil {
			return err
		}
		for _, e := range es {
			c.res.Counts.Participants += len(e.Participants)
		}
		c.res.Counts.Entries += len(es)
		c.prog.add(len(es))
		es = es[:0]
		return nil
	}
	for i, ct := range live {
		end := ct.end
		if end.After(today) || end.IsZero() {
			end = today
		}
		days := max(1, int(end.Sub(ct.start).Hours()/24)+1)
		for range want[i] {
			cm := ct.communities[c.r.IntN(len(ct.communities))]
			k := entryKinds[c.r.IntN(len(entryKinds))]
			held := ct.start.AddDate(0, 0, c.r.IntN(days))
			startH := 9 + c.r.IntN(6)
			e := store.BulkEntry{CreatedAt: held.Add(18 * time.Hour)}
			e.ID = next
			next++
			e.ContractID, e.OrgID, e.PlaceCode = ct.id, ct.org, ct.place
			e.Kind, e.Title, e.Venue = k.kind, cm.short+k.title, cm.short+k.venue
			e.HeldOn = held.Format(time.DateOnly)
			e.StartTime = fmt.Sprintf("%02d:00", startH)
			e.EndTime = fmt.Sprintf("%02d:%02d", startH+k.minutes/60, k.minutes%60)
			e.Minutes = k.minutes
			e.Communities = []string{cm.code}
			e.TargetGroups = ct.groups
			e.Counted = c.r.IntN(12)
			e.Summary = "按服务计划开展" + k.title + "，做好签到与服务记录。"
			e.CreatedBy = ct.provider
			if n := len(cm.residents); n > 0 {
				seen := map[int64]bool{}
				for j := 1 + c.r.IntN(4); j > 0; j-- {
					id := cm.residents[c.r.IntN(n)]
					if !seen[id] {
						seen[id] = true
						e.Participants = append(e.Participants, gongzhi.Participant{PersonID: id, PlaceCode: cm.code})
					}
				}
			}
			e.Visits = e.Counted + len(e.Participants)
			es = append(es, e)
			if len(es) == batch {
				if err := flush(false); err != nil {
					return err
				}
			}
		}
	}
	return flush(true)
}
