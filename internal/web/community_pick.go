// Choosing a community on the public forms (a need, a complaint) without sending the nation's
// communities: the visitor searches by name or walks from a street to its communities, by links
// and a GET form that work without JavaScript; the chosen community then travels in the form as a
// hidden field, shown with a link to choose again.

package web

import (
	"context"
	"net/url"
	"strings"

	"gongzhi"
)

const (
	pickShown       = 30 // search results shown of each level
	pickAllStreets  = 50 // an instance with at most this many streets lists them all at the start
	pickCommunities = 300
)

// CommunityPick is the community part of a public form.
type CommunityPick struct {
	Page        string // the form's page, which takes ?community=, ?street= and ?q=
	Q           string
	Chosen      *gongzhi.Place // the community chosen, with its street's name
	Street      *gongzhi.Place // the street whose communities are listed
	Streets     []PickLink
	Communities []PickLink
	More        bool   // more places matched than are shown
	Searched    bool   // a search was made (so "nothing found" can be said)
	Error       string // the form's error on community_code, translated
}

// PickLink is one place to choose.
type PickLink struct{ Label, Href string }

// PickCommunity reads the picker's state for page: code is the chosen (or posted) community,
// street and q come from the request's query. A code that is not a community is not chosen.
func (s *Server) PickCommunity(ctx context.Context, page, code string, query url.Values) (*CommunityPick, error) {
	p := &CommunityPick{Page: page, Q: TruncateRunes(strings.TrimSpace(query.Get("q")), 50)}
	if code = strings.TrimSpace(code); code != "" {
		if pl, err := s.services.PublicPlace(ctx, code); err == nil && pl.Level == 5 {
			p.Chosen = pl
			return p, nil
		} else if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return nil, err
		}
	}
	link := func(key string, pl *gongzhi.Place, withParent bool) PickLink {
		label := pl.Name
		if withParent && pl.ParentName != "" {
			label = pl.ParentName + " " + pl.Name
		}
		return PickLink{Label: label, Href: page + "?" + url.Values{key: {pl.Code}}.Encode()}
	}
	if sc := strings.TrimSpace(query.Get("street")); sc != "" {
		if st, err := s.services.PublicPlace(ctx, sc); err == nil && st.Level == 4 {
			p.Street = st
			n, err := s.services.PublicPlaces(ctx, "", gongzhi.ListOptions{Filters: map[string]string{"level": "5", "parent": st.Code}, Sort: "code", Limit: pickCommunities},
				func(pl *gongzhi.Place) error {
					p.Communities = append(p.Communities, link("community", pl, false))
					return nil
				})
			if err != nil {
				return nil, err
			}
			p.More = n > len(p.Communities)
			return p, nil
		} else if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return nil, err
		}
	}
	if p.Q != "" {
		p.Searched = true
		for _, lv := range []string{"4", "5"} {
			n, err := s.services.PublicPlaces(ctx, "", gongzhi.ListOptions{Q: p.Q, Filters: map[string]string{"level": lv}, Sort: "code", Limit: pickShown},
				func(pl *gongzhi.Place) error {
					if pl.Level == 4 {
						p.Streets = append(p.Streets, link("street", pl, true))
					} else {
						p.Communities = append(p.Communities, link("community", pl, true))
					}
					return nil
				})
			if err != nil {
				return nil, err
			}
			p.More = p.More || n > pickShown
		}
		return p, nil
	}
	// a small instance lists its streets at once (the same for every visitor of the page: cached,
	// public_cache.go)
	streets, err := PublicCached(ctx, s, "pick.streets:"+page, func(ctx context.Context) ([]PickLink, error) {
		var streets []PickLink
		n, err := s.services.PublicPlaces(ctx, "", gongzhi.ListOptions{Filters: map[string]string{"level": "4"}, Sort: "code", Limit: pickAllStreets},
			func(pl *gongzhi.Place) error { streets = append(streets, link("street", pl, true)); return nil })
		if n > pickAllStreets {
			streets = nil
		}
		return streets, err
	})
	if err != nil {
		return nil, err
	}
	p.Streets = streets
	return p, nil
}

// Field is the form's community_code field: hidden, carrying the chosen community.
func (p *CommunityPick) Field() Field {
	f := Field{Name: "community_code", Type: "hidden"}
	if p.Chosen != nil {
		f.Value = p.Chosen.Code
	}
	return f
}

// Label names the chosen community with its street.
func (p *CommunityPick) Label() string {
	if p.Chosen == nil {
		return ""
	}
	return strings.TrimSpace(p.Chosen.ParentName + " " + p.Chosen.Name)
}
