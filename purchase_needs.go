// Public needs (docs/domain.md §4.1: needs are published so that residents see them, and every
// funded project shows which needs it answers): what a published need shows residents and the
// public — its support, its comments under moderation, and the calls and contracts answering it.

package gongzhi

import "time"

// PublicNeed is a published need as residents and the public see it: never its contact or who
// recorded it.
type PublicNeed struct {
	ID             int64        `json:"id"`
	CommunityCode  string       `json:"community_code"`
	CommunityName  string       `json:"community_name"`
	TargetGroup    string       `json:"target_group"`
	CategoryCode   string       `json:"category_code"`
	CategoryName   string       `json:"category_name"`
	Description    string       `json:"description"`
	PeopleAffected int          `json:"people_affected"`
	PublishedAt    time.Time    `json:"published_at"`
	Supports       int          `json:"supports"`
	Supported      bool         `json:"supported"` // the asking resident supports it
	Comments       int          `json:"comments"`  // visible comments
	Answers        []NeedAnswer `json:"answers"`
}

// PublicNeedOf is what of a need may be published.
func PublicNeedOf(n *Need) *PublicNeed {
	return &PublicNeed{ID: n.ID, CommunityCode: n.CommunityCode, CommunityName: n.CommunityName, TargetGroup: n.TargetGroup,
		CategoryCode: n.CategoryCode, CategoryName: n.CategoryName, Description: n.Description, PeopleAffected: n.PeopleAffected,
		PublishedAt: n.PublishedAt, Supports: n.Supports, Answers: []NeedAnswer{}}
}

// NeedAnswer is a call that took the need up and, once one was signed, the contract of the
// project answering it (need → call → contract).
type NeedAnswer struct {
	CallID        int64  `json:"call_id"`
	CallTitle     string `json:"call_title"`
	ContractID    int64  `json:"contract_id,omitempty"`
	ContractTitle string `json:"contract_title,omitempty"`
	ProviderName  string `json:"provider_name,omitempty"`
}

// NeedComment is a resident's comment on a published need. The community or the office hides
// one with a reason; hidden comments are kept, shown to them with the reason, never to the
// public.
type NeedComment struct {
	ID           int64     `json:"id"`
	NeedID       int64     `json:"need_id"`
	Author       string    `json:"author"` // masked: 王*明
	Body         string    `json:"body,omitempty"`
	Hidden       bool      `json:"hidden"`
	HiddenReason string    `json:"hidden_reason,omitempty"`
	HiddenBy     string    `json:"hidden_by,omitempty"`
	HiddenAt     time.Time `json:"hidden_at,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
}

// CheckNeedComment checks a comment's text: 1 to 500 characters, and no personal data (ID
// numbers, phone numbers) since it is published.
func CheckNeedComment(body string) (string, error) {
	body, r := CheckText(body, 500, true)
	if r != "" {
		return body, Invalid("body", r)
	}
	if found := FindPersonalData(body); len(found) > 0 {
		return body, Invalid("body", found[0])
	}
	return body, nil
}
