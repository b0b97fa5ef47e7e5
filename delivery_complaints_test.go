package gongzhi

import (
	"testing"
	"time"
)

func TestComplaintValidate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		c         Complaint
		anonymous bool
		want      map[string]string
	}{
		{"complete", Complaint{Kind: "complaint", CommunityCode: "320116004001", Subject: "s", Description: "d", ContactName: "王", ContactPhone: "13812345678"}, true, nil},
		{"anonymous needs a contact", Complaint{Kind: "inquiry", CommunityCode: "320116004001", Subject: "s", Description: "d"}, true,
			map[string]string{"contact_name": "required", "contact_phone": "required"}},
		{"signed in needs none", Complaint{Kind: "inquiry", CommunityCode: "320116004001", Subject: "s", Description: "d"}, false, nil},
		{"bad phone", Complaint{Kind: "suggestion", CommunityCode: "320116004001", Subject: "s", Description: "d", ContactName: "王", ContactPhone: "call me"}, true,
			map[string]string{"contact_phone": "phone.format"}},
		{"empty", Complaint{}, false, map[string]string{"kind": "choice", "community_code": "required", "subject": "required", "description": "required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Validate(tc.anonymous)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := AsError(err)
			if e.Code != EINVALID || len(e.Fields) != len(tc.want) {
				t.Fatalf("got %v", e)
			}
			for k, v := range tc.want {
				if e.Fields[k] != v {
					t.Fatalf("%s: got %q want %q", k, e.Fields[k], v)
				}
			}
		})
	}
}

func TestComplaintDeadlinesWithHoliday(t *testing.T) {
	cal := NewCalendar([]Holiday{{Day: "2026-12-09", Name: "假日"}, {Day: "2026-12-12", Name: "调休", Workday: true}})
	// Friday 4 December 2026, 20:00 CST: the day of receipt counts, as for notices: Fri, Mon,
	// Tue, (Wed off), Thu, Fri → due at 00:00 Saturday 12th.
	due, esc := ComplaintDeadlines(cal, time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), 5)
	if want := time.Date(2026, 12, 12, 0, 0, 0, 0, ChinaTime); !due.Equal(want) {
		t.Fatalf("due %v want %v", due, want)
	}
	// Sat 12th (a make-up working day), Mon 14th → 00:00 Tuesday 15th.
	if want := time.Date(2026, 12, 15, 0, 0, 0, 0, ChinaTime); !esc.Equal(want) {
		t.Fatalf("escalates %v want %v", esc, want)
	}
}

func TestComplaintHelpers(t *testing.T) {
	if MaskName("李秀英") != "李**" || MaskName("王") != "王*" || MaskName("") != "" {
		t.Fatal("MaskName")
	}
	if PhoneLast4("138-1234-5678") != "5678" || PhoneDigits("+86 138") != "86138" {
		t.Fatal("phone digits")
	}
	if NormalizeComplaintCode(" abcde-fghjk ") != "ABCDEFGHJK" {
		t.Fatal("NormalizeComplaintCode")
	}
	c := &Complaint{State: ComplaintOpen, DueAt: time.Unix(100, 0)}
	if !c.IsOverdue(time.Unix(101, 0)) || c.IsOverdue(time.Unix(99, 0)) {
		t.Fatal("IsOverdue")
	}
	c.State = ComplaintAnswered
	if c.IsOverdue(time.Unix(101, 0)) {
		t.Fatal("an answered complaint is not overdue")
	}
}
