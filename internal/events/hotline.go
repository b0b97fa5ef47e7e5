// 12345 hotline transfers imported from Excel (docs/events.md): each row a work order that the
// hotline transferred to the street, recorded as an event of the hotline source, every row or
// none.

package events

import (
	"context"
	"errors"
	"io"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

// HotlineColumns are the columns of the 12345 import sheet.
func HotlineColumns(cats []*gongzhi.EventCategory) []xlsx.Column {
	var names []string
	for _, c := range cats {
		names = append(names, c.Name)
	}
	return []xlsx.Column{
		{Key: "order", Header: "工单编号", Required: true, Note: "12345 热线工单编号，每张工单只导入一次"},
		{Key: "category", Header: "事件类别", Required: true, Choices: names},
		{Key: "community", Header: "社区", Required: true, Note: "社区名称或 12 位统计用区划代码"},
		{Key: "address", Header: "地址"},
		{Key: "title", Header: "诉求标题", Required: true},
		{Key: "description", Header: "诉求内容"},
		{Key: "caller", Header: "来电人"},
		{Key: "phone", Header: "联系电话"},
	}
}

var hotlineField = map[string]string{"source_ref": "order", "category_id": "category", "community_code": "community", "grid_id": "community",
	"address": "address", "title": "title", "description": "description", "reporter_name": "caller", "reporter_phone": "phone"}

// ImportHotline reads a sheet of 12345 work orders and records each as an event of the hotline
// source in the caller's place: the street office or community staff (MayImportHotline). Every
// row or none: the problems of the sheet and of each row (an unknown community, a work order
// imported before) come back together as xlsx.Errors, by line and column, with reason codes.
func (a *Service) ImportHotline(ctx context.Context, ac *gongzhi.Actor, r io.Reader, maxRows int) (int, error) {
	if err := kernel.Allow(ac, MayImportHotline(ac)); err != nil {
		return 0, err
	}
	cats, err := a.Categories(ctx, true)
	if err != nil {
		return 0, err
	}
	cols := HotlineColumns(cats)
	byName := map[string]string{}
	for _, c := range cats {
		byName[c.Name] = c.Code
	}
	colOf := map[string]xlsx.Column{}
	for _, c := range cols {
		colOf[c.Key] = c
	}
	rows, err := xlsx.Read(r, cols, maxRows)
	var problems xlsx.Errors
	if err != nil && (!errors.As(err, &problems) || rows == nil) {
		return 0, err
	}
	for i := range problems {
		problems[i].Reason = readReason(problems[i].Reason)
	}
	// communities of the caller's place, by name and code
	comms := map[string]string{}
	if _, err := a.Places(ctx, ac, store.ListOptions{Filters: map[string]string{"level": "5"}, Limit: 10000}, func(p *gongzhi.Place) error {
		comms[p.Code], comms[p.Name] = p.Code, p.Code
		comms[strings.TrimSuffix(p.Name, "居委会")] = p.Code
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		seen := map[string]int{}
		for _, row := range rows {
			v := row.Values
			add := func(key, reason string) { problems.Add(row.Line, colOf[key], reason) }
			if _, ok := seen[v["order"]]; ok && v["order"] != "" {
				add("order", "event.order_twice")
				continue
			}
			seen[v["order"]] = row.Line
			if v["order"] != "" {
				if taken, err := q.HotlineOrderTaken(ctx, v["order"]); err != nil {
					return err
				} else if taken {
					add("order", "event.order_taken")
					continue
				}
			}
			comm := comms[v["community"]]
			if comm == "" && v["community"] != "" {
				add("community", "event.grid_unknown")
				continue
			}
			if v["category"] == "" || comm == "" || v["title"] == "" {
				continue // refused by the sheet's own checks
			}
			_, err := a.Report(ctx, q, ac, New{Source: gongzhi.SourceHotline, SourceRef: v["order"], CategoryCode: byName[v["category"]],
				CommunityCode: comm, Address: v["address"], Title: v["title"], Description: v["description"], ReporterName: v["caller"],
				ReporterPhone: gongzhi.PhoneDigits(v["phone"])})
			if e := gongzhi.AsError(err); err != nil && e.Code == gongzhi.EINVALID {
				for f, reason := range e.Fields {
					key := hotlineField[f]
					if key == "" {
						key = "order"
					}
					add(key, reason)
				}
				continue
			} else if err != nil {
				return err
			}
			n++
		}
		if len(problems) > 0 {
			return problems
		}
		return a.WriteAudit(ctx, q, ac, "import", ResEvents, "", nil, map[string]any{"hotline_orders": n}, "")
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// readReason turns a reason of the sheet's reader into a message key.
func readReason(reason string) string {
	switch {
	case reason == xlsx.ReasonRequired:
		return "required"
	case reason == xlsx.ReasonMissingColumn:
		return "event.column_missing"
	case reason == xlsx.ReasonDuplicateColumn:
		return "event.column_duplicate"
	case strings.HasPrefix(reason, "须为以下之一"):
		return "choice"
	}
	return "event.cell_refused"
}
