// Who may do what with the public ledger (DOMAIN.md §8). Pages and the API ask these.

package publog

import "gongzhi"

// MayReadLedger: anyone, signed in or not, reads the ledger, its checkpoint, tiles and any
// record's receipt: records hold no personal data (people only as pseudonyms), and the point of
// the ledger is that everyone can check it.
func MayReadLedger(*gongzhi.Actor) bool { return true }
