package store

// Terms kept by their text (terms.go): each parse equals encoding/json's, and a caller's copy
// is its own, so that changing it changes no other caller's terms.

import (
	"encoding/json"
	"reflect"
	"testing"

	"gongzhi"
)

func TestParseTermsKept(t *testing.T) {
	text := `{"amount":100,"start_on":"2026-01-01","end_on":"2026-12-31","outputs":[{"name":"上门探访","target":12,"unit":"次"}],` +
		`"outcomes":[],"milestones":[{"name":"中期","due":"2026-06-30"}],"portions":[{"basis_points":10000}],"breach_terms":"x"}`
	var want gongzhi.ContractTerms
	if err := json.Unmarshal([]byte(text), &want); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		var got gongzhi.ContractTerms
		if err := parseTerms(text, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parse %d: %+v, want %+v", i, got, want)
		}
		if got.Outcomes == nil {
			t.Fatal("an empty list came back nil")
		}
		// a caller that changes its copy
		got.Outputs[0].Name, got.Milestones[0].Due, got.Portions[0].Paid = "changed", "changed", 7
		got.Outcomes = append(got.Outcomes, gongzhi.Indicator{Name: "added"})
	}
	keep := gongzhi.ContractTerms{StartOn: "kept"}
	if err := parseTerms("", &keep); err != nil || keep.StartOn != "kept" {
		t.Fatalf("empty text: %+v %v", keep, err)
	}
	if err := parseTerms("{", &keep); err == nil {
		t.Fatal("bad JSON parsed")
	}
}
