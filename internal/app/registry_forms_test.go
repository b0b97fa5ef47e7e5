// Tests of the registry's form rules (issue 11, items 8 and 12) on SQLite and, when
// GONGZHI_TEST_POSTGRES is set, PostgreSQL: a person refused names every failed field at once;
// the gender and birth year given with an ID number must agree with it; a keyword that is an ID
// number finds its holder through the keyed hash.

package app_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// regFieldReasons returns the field reasons of a refusal, failing unless err is one of code.
func regFieldReasons(t *testing.T, err error, code string) map[string]string {
	t.Helper()
	e, ok := err.(*gongzhi.Error)
	if !ok || e.Code != code {
		t.Fatalf("want a %s refusal, got %v", code, err)
	}
	return e.Fields
}

func TestPersonFormRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := impApp(t, db)
		impSeedPlaces(t, db)
		sys := gongzhi.SystemActor("test")
		community := impActor(t, a, &gongzhi.User{Username: "zhongshan", DisplayName: "中山社区", Role: gongzhi.RoleCommunity, PlaceCode: "320116004001"})
		// a household of the other community of the street
		other := &gongzhi.Household{CommunityCode: "320116004002", Address: "长城路 1 号", Members: 1}
		if err := a.SaveHousehold(ctx, sys, other); err != nil {
			t.Fatal(err)
		}
		male := impID("19400302", 1) // 17th digit 1: male
		female := impID("19551111", 2)

		t.Run("every failed field at once", func(t *testing.T) {
			p := &gongzhi.Person{Kind: "expert", Name: "", IDNumber: male, Gender: "female", Phone: "12", PlaceCode: "320116004001",
				HouseholdID: other.ID, TargetGroups: []string{"nobody"}}
			fields := regFieldReasons(t, a.CreatePerson(ctx, community, p), gongzhi.EINVALID)
			want := map[string]string{"name": "required", "gender": "person.gender_id", "phone": "phone.format",
				"kind": "person.kind_role", "expert_fields": "required", "household_id": "person.household_place", "target_groups": "choice"}
			if !maps.Equal(fields, want) {
				t.Errorf("fields %v, want %v", fields, want)
			}
			if n := impCount(t, db, "people"); n != 0 {
				t.Errorf("%d people written by a refused form", n)
			}
		})
		t.Run("gender and birth year agree with the ID number", func(t *testing.T) {
			cases := []struct {
				name   string
				p      gongzhi.Person
				fields map[string]string
			}{
				{"wrong gender", gongzhi.Person{Kind: "resident", Name: "甲", IDNumber: female, Gender: "male"}, map[string]string{"gender": "person.gender_id"}},
				{"wrong birth year", gongzhi.Person{Kind: "resident", Name: "乙", IDNumber: male, BirthYear: 1941}, map[string]string{"birth_year": "person.birth_id"}},
				{"both wrong", gongzhi.Person{Kind: "resident", Name: "丙", IDNumber: male, Gender: "female", BirthYear: 1999},
					map[string]string{"gender": "person.gender_id", "birth_year": "person.birth_id"}},
			}
			for _, c := range cases {
				p := c.p
				p.PlaceCode = "320116004001"
				fields := regFieldReasons(t, a.CreatePerson(ctx, community, &p), gongzhi.EINVALID)
				if !maps.Equal(fields, c.fields) {
					t.Errorf("%s: fields %v, want %v", c.name, fields, c.fields)
				}
			}
			ok := &gongzhi.Person{Kind: "resident", Name: "丁", IDNumber: female, Gender: "female", BirthYear: 1955, PlaceCode: "320116004001"}
			if err := a.CreatePerson(ctx, community, ok); err != nil {
				t.Fatalf("agreeing gender and birth year refused: %v", err)
			}
			blank := &gongzhi.Person{Kind: "resident", Name: "戊", IDNumber: male, PlaceCode: "320116004001"}
			if err := a.CreatePerson(ctx, community, blank); err != nil {
				t.Fatal(err)
			}
			if blank.Gender != "male" || blank.BirthYear != 1940 {
				t.Errorf("gender and birth year not taken from the ID number: %q %d", blank.Gender, blank.BirthYear)
			}
			// an edit that keeps the stored number still checks the gender against it
			edit := *blank
			edit.IDNumber, edit.Gender = "", "female"
			fields := regFieldReasons(t, a.UpdatePerson(ctx, community, &edit), gongzhi.EINVALID)
			if !maps.Equal(fields, map[string]string{"gender": "person.gender_id"}) {
				t.Errorf("edit keeping the number: fields %v", fields)
			}
		})
		t.Run("a household's every failed field at once", func(t *testing.T) {
			h := &gongzhi.Household{CommunityCode: "320116004001", Address: "", GridID: 1 << 40, Members: -1}
			fields := regFieldReasons(t, a.SaveHousehold(ctx, community, h), gongzhi.EINVALID)
			if fields["address"] == "" || fields["grid_id"] != "household.grid_community" {
				t.Errorf("fields %v: want the address and the grid both named", fields)
			}
			if n := impCount(t, db, "households"); n != 1 {
				t.Errorf("%d households after a refusal, want the 1 seeded", n)
			}
		})
		t.Run("keyword search by ID number", func(t *testing.T) {
			find := func(q string) []string {
				var names []string
				_, err := a.People(ctx, community, store.ListOptions{Q: q}, func(p *gongzhi.Person) error {
					names = append(names, p.Name)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return names
			}
			if got := find(female); !slices.Equal(got, []string{"丁"}) {
				t.Errorf("by ID number: %v", got)
			}
			if got := find("  " + male + " "); !slices.Equal(got, []string{"戊"}) {
				t.Errorf("by ID number typed with spaces: %v", got)
			}
			if got := find(impID("19800101", 9)); len(got) != 0 {
				t.Errorf("an unknown ID number finds %v", got)
			}
			if got := find("丁"); !slices.Equal(got, []string{"丁"}) {
				t.Errorf("by name: %v", got)
			}
		})
	})
}
