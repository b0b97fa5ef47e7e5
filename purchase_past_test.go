package gongzhi

import (
	"maps"
	"testing"
)

func TestPastContractValidate(t *testing.T) {
	good := func() *PastContract {
		return &PastContract{FiscalYear: 2017, CategoryCode: "elderly_home_care", OrgID: 3, Title: " 居家养老 ", Amount: Yuan(200000),
			StartOn: "2017-03-01", EndOn: "2017-12-31", State: PastCompleted}
	}
	if p := good(); p.Validate(2026) != nil || p.Title != "居家养老" {
		t.Fatalf("good: %v %q", p.Validate(2026), p.Title)
	}
	for _, tt := range []struct {
		name string
		edit func(*PastContract)
		want map[string]string
	}{
		{"year to come", func(p *PastContract) { p.FiscalYear = 2027 }, map[string]string{"fiscal_year": "past.year:2026"}},
		{"year too early", func(p *PastContract) { p.FiscalYear = 1999 }, map[string]string{"fiscal_year": "past.year:2026"}},
		{"nothing named", func(p *PastContract) { p.CategoryCode, p.OrgID, p.Title, p.State = "", 0, " ", "" },
			map[string]string{"category_code": "required", "org_id": "required", "title": "required", "state": "required"}},
		{"no money", func(p *PastContract) { p.Amount = 0 }, map[string]string{"amount": "money.positive"}},
		{"ends first", func(p *PastContract) { p.EndOn = "2017-02-01" }, map[string]string{"end_on": "contract.end_before_start"}},
		{"bad dates", func(p *PastContract) { p.SignedOn, p.StartOn = "2017-13-01", "x" }, map[string]string{"signed_on": "date.format", "start_on": "date.format"}},
		{"state", func(p *PastContract) { p.State = "signed" }, map[string]string{"state": "choice"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := good()
			tt.edit(p)
			e := AsError(p.Validate(2026))
			if e == nil || !maps.Equal(e.Fields, tt.want) {
				t.Fatalf("got %v, want %v", e, tt.want)
			}
		})
	}
	// dates are optional
	p := good()
	p.StartOn, p.EndOn = "", ""
	if err := p.Validate(2026); err != nil {
		t.Fatal(err)
	}
}
