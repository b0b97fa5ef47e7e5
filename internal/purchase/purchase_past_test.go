package purchase

import (
	"reflect"
	"testing"

	"gongzhi"
)

// TestMergeFunding: imported rows join the live ones in year and category order, a category of a
// year in both becomes one row with both counted.
func TestMergeFunding(t *testing.T) {
	live := []gongzhi.FundingRow{{Year: 2018, CategoryCode: "b", Contracts: 2, Amount: 200}, {Year: 2019, CategoryCode: "a", Contracts: 1, Amount: 50}}
	past := []gongzhi.FundingRow{{Year: 2017, CategoryCode: "z", Contracts: 3, Amount: 30, Imported: 3},
		{Year: 2018, CategoryCode: "a", Contracts: 1, Amount: 10, Imported: 1}, {Year: 2018, CategoryCode: "b", Contracts: 4, Amount: 40, Imported: 4}}
	want := []gongzhi.FundingRow{{Year: 2017, CategoryCode: "z", Contracts: 3, Amount: 30, Imported: 3},
		{Year: 2018, CategoryCode: "a", Contracts: 1, Amount: 10, Imported: 1}, {Year: 2018, CategoryCode: "b", Contracts: 6, Amount: 240, Imported: 4},
		{Year: 2019, CategoryCode: "a", Contracts: 1, Amount: 50}}
	if got := mergeFunding(live, past); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if got := mergeFunding(live, nil); !reflect.DeepEqual(got, live) {
		t.Fatalf("without past rows: %+v", got)
	}
	if got := mergeFunding(nil, past); !reflect.DeepEqual(got, past) {
		t.Fatalf("without live rows: %+v", got)
	}
}
