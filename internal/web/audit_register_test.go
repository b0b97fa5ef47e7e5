package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// withCheckDigit completes 17 digits to a GB 11643 ID number.
func withCheckDigit(s17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s17[i]-'0') * w
	}
	return s17 + string("10X98765432"[sum%11])
}

// The audit log reads like a register and never shows personal data unmasked (issue 11): a
// household's phone numbers (in its field and in its notes), a resident's ID number and phone, a
// revealed ID number and an anonymous complainant's name and phone are written, and the audit
// administrator's page and API show each of them masked; the page names the kinds of records and
// actions in Chinese, the people by name, the change as "field: old → new", and filters by record.
func TestAuditRegisterMasksPersonalData(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		com := e.token("zs-community")
		r := e.call(com, "POST", "/api/v1/households", map[string]any{"community_code": demo.ZhongshanCode, "address": "中山花园 9 栋 101 室",
			"head_name": "测试户主", "phone": "13912345678", "members": 2, "notes": "备用电话 13700002222"})
		if r.Status != http.StatusCreated {
			t.Fatalf("household: %d %s", r.Status, r.Raw)
		}
		hh := r.Body
		hid := int64(hh["id"].(float64))
		hh["phone"] = "13611113333"
		if r := e.call(com, "PUT", fmt.Sprintf("/api/v1/households/%d", hid), hh); r.Status != 200 {
			t.Fatalf("household update: %d %s", r.Status, r.Raw)
		}
		idNumber := withCheckDigit("32011619850315421")
		r = e.call(com, "POST", "/api/v1/people", map[string]any{"kind": "resident", "name": "审计测试", "gender": "male", "birth_year": 1985,
			"id_number": idNumber, "phone": "13588887777", "place_code": demo.ZhongshanCode})
		if r.Status != http.StatusCreated {
			t.Fatalf("person: %d %s", r.Status, r.Raw)
		}
		pid := int64(r.Body["id"].(float64))
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/people/%d/reveal", pid), nil); r.Status != 200 || r.Body["id_number"] != idNumber {
			t.Fatalf("reveal: %d %s", r.Status, r.Raw)
		}
		r = e.call("", "POST", "/api/v1/public/complaints", map[string]any{"kind": "complaint", "community_code": demo.ZhongshanCode,
			"subject": "楼道灯坏了", "description": "三楼楼道灯坏了一个月。", "contact_name": "李秀英", "contact_phone": "13812345678"})
		if r.Status != http.StatusCreated {
			t.Fatalf("complaint: %d %s", r.Status, r.Raw)
		}
		// the complaint service keeps the contact out of the entry altogether; it must stay out
		secrets := []string{"13912345678", "13700002222", "13611113333", idNumber, "13588887777", "13812345678", "李秀英"}

		// the API: every entry of the day, masked
		api := e.call(e.token("admin-audit"), "GET", "/api/v1/audit?per_page=200&sort=at&desc=1", nil)
		if api.Status != 200 || api.Body["total"].(float64) < 6 {
			t.Fatalf("audit API: %d %s", api.Status, api.Raw)
		}
		raw := string(api.Raw)
		for _, s := range secrets {
			if strings.Contains(raw, s) {
				t.Errorf("the audit API shows %s", s)
			}
		}
		for _, s := range []string{`139****5678`, `137****2222`, `136****3333`, `135****7777`} {
			if !strings.Contains(raw, s) {
				t.Errorf("the audit API does not show %s masked", s)
			}
		}

		// the page, as the audit administrator signs in (two factors)
		b := e.browser()
		if st, loc := b.login("admin-audit", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("audit administrator's sign-in: %d %s", st, loc)
		}
		st, page := b.get("/audit")
		if st != 200 {
			t.Fatalf("/audit: %d", st)
		}
		for _, s := range secrets {
			if strings.Contains(page, s) {
				t.Errorf("the audit page shows %s", s)
			}
		}
		for _, s := range []string{"住户 #" + fmt.Sprint(hid), "人员 #" + fmt.Sprint(pid), "投诉咨询", "查看敏感信息", "匿名访客", "新建", "修改"} {
			if !strings.Contains(page, s) {
				t.Errorf("the audit page does not say %q", s)
			}
		}
		if strings.Contains(page, `{"`) {
			t.Error("the audit page shows raw JSON")
		}
		// one record's trail: the change field by field, by the community staff's name
		st, page = b.get(fmt.Sprintf("/audit?entity=households&entity_id=%d", hid))
		if st != 200 || !strings.Contains(page, "电话：139****5678 → 136****3333") || strings.Contains(page, "人员 #") {
			t.Fatalf("a household's trail: %d\n%s", st, page)
		}
		if !strings.Contains(page, `href="/audit?entity=households&amp;entity_id=`+fmt.Sprint(hid)+`"`) {
			t.Error("the record does not link to its trail")
		}
		u := e.user("zs-community")
		if !strings.Contains(page, u.DisplayName) || strings.Contains(page, ">zs-community<") {
			t.Errorf("the register does not name %s by %q", u.Username, u.DisplayName)
		}
	})
}

// An account that signs in with two factors gets a token from POST /api/v1/auth/token only with
// a current code of its authenticator, and a code is used once.
func TestPasswordTokenWithSecondFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	u := e.user("admin-sec")
	req := map[string]any{"username": "admin-sec", "password": demo.Password, "name": "alarms feed", "days": 7, "scope": "read"}
	if r := e.call("", "POST", "/api/v1/auth/token", req); r.Status != http.StatusForbidden {
		t.Fatalf("before enrolment: %d %s", r.Status, r.Raw)
	}
	if st, loc := e.browser().login("admin-sec", demo.Password); st != http.StatusSeeOther {
		t.Fatalf("enrolment at sign-in: %d %s", st, loc)
	}
	req["code"] = "000000"
	if r := e.call("", "POST", "/api/v1/auth/token", req); r.Status != http.StatusUnauthorized {
		t.Fatalf("a wrong code: %d %s", r.Status, r.Raw)
	}
	req["code"] = e.totpCode(u.ID)
	r := e.call("", "POST", "/api/v1/auth/token", req)
	secret, _ := r.Body["secret"].(string)
	if r.Status != http.StatusCreated || secret == "" {
		t.Fatalf("with the code: %d %s", r.Status, r.Raw)
	}
	if r := e.call("", "POST", "/api/v1/auth/token", req); r.Status != http.StatusUnauthorized {
		t.Fatalf("the same code twice: %d %s", r.Status, r.Raw)
	}
	if r := e.call(secret, "GET", "/api/v1/me", nil); r.Status != 200 {
		t.Fatalf("the token: %d %s", r.Status, r.Raw)
	}
}
