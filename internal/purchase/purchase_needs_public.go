// Public needs (issue 11 item 15; docs/domain.md §4.1): the office publishes a need; residents
// of its community see it, support it once and comment; the community or the office hides a
// comment with a reason; everyone sees which calls and contracts answer it.

package purchase

import (
	"context"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// PublishNeed publishes a need of the actor's place to the residents of its community and the
// public. Purchasers, hubs and community staff may (MayPublishNeed), within scope (else
// ENOTFOUND). Refuses a description holding personal data (EINVALID description:
// personal.id_number / personal.phone) and a need published already (ECONFLICT state:
// need.already_published).
func (a *Service) PublishNeed(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayPublishNeed(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		n, err := q.GetNeed(ctx, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		if found := gongzhi.FindPersonalData(n.Description, n.ContactName); len(found) > 0 {
			return gongzhi.Invalid("description", found[0])
		}
		if err := q.PublishNeed(ctx, id, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResNeeds, kernel.Id10(id), map[string]any{"published": false},
			map[string]any{"published": true}, "need published")
	})
}

// PublicNeeds returns the published needs of a community (its 12-digit code; "" for every
// community, the newest 500) with their support, visible comments and answers. Anyone may read
// them; a resident reading their own community also learns which they support.
func (a *Service) PublicNeeds(ctx context.Context, ac *gongzhi.Actor, community string) ([]*gongzhi.PublicNeed, error) {
	if community != "" && len(community) != 12 {
		return nil, gongzhi.Invalid("community", "code.format")
	}
	q := a.DB.Q()
	ns, err := q.ListPublishedNeeds(ctx, store.Scope{Prefix: community}, 500)
	if err != nil {
		return nil, err
	}
	return a.publicNeeds(ctx, q, ac, ns)
}

func (a *Service) publicNeeds(ctx context.Context, q *store.Q, ac *gongzhi.Actor, ns []*gongzhi.Need) ([]*gongzhi.PublicNeed, error) {
	ids := make([]int64, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	answers, err := q.NeedAnswers(ctx, ids)
	if err != nil {
		return nil, err
	}
	comments, err := q.CountNeedComments(ctx, ids)
	if err != nil {
		return nil, err
	}
	var supported map[int64]bool
	if MaySupportNeed(ac) && !ac.IsSystem() {
		if supported, err = q.NeedSupported(ctx, ac.User.ID, ids); err != nil {
			return nil, err
		}
	}
	out := make([]*gongzhi.PublicNeed, 0, len(ns))
	for _, n := range ns {
		p := gongzhi.PublicNeedOf(n)
		p.Supported, p.Comments = supported[n.ID], comments[n.ID]
		if xs := answers[n.ID]; xs != nil {
			p.Answers = xs
		}
		out = append(out, p)
	}
	return out, nil
}

// publishedNeed returns a published need (ENOTFOUND for one not published).
func publishedNeed(ctx context.Context, q *store.Q, id int64) (*gongzhi.Need, error) {
	n, err := q.GetNeed(ctx, store.Scope{}, id)
	if err != nil {
		return nil, err
	}
	if n.PublishedAt.IsZero() {
		return nil, gongzhi.NotFound()
	}
	return n, nil
}

// PublicNeed returns a published need with its comments: the visible ones for everyone; the
// hidden ones too, with the reason, for those who moderate the need's place.
func (a *Service) PublicNeed(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.PublicNeed, []*gongzhi.NeedComment, error) {
	q := a.DB.Q()
	n, err := publishedNeed(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	ps, err := a.publicNeeds(ctx, q, ac, []*gongzhi.Need{n})
	if err != nil {
		return nil, nil, err
	}
	cs, err := q.ListNeedComments(ctx, id, a.mayModerate(ac, n))
	return ps[0], cs, err
}

// mayModerate reports whether the actor moderates the comments of need n: MayModerateNeeds,
// and n's community within the actor's place.
func (a *Service) mayModerate(ac *gongzhi.Actor, n *gongzhi.Need) bool {
	if !MayModerateNeeds(ac) {
		return false
	}
	s := kernel.PlaceScope(ac)
	return !s.None && (s.Prefix == "" || len(n.CommunityCode) >= len(s.Prefix) && n.CommunityCode[:len(s.Prefix)] == s.Prefix)
}

// MayModerateNeed reports whether the actor may hide comments on need id (for the pages' forms).
func (a *Service) MayModerateNeed(ctx context.Context, ac *gongzhi.Actor, id int64) bool {
	n, err := a.DB.Q().GetNeed(ctx, store.Scope{}, id)
	return err == nil && a.mayModerate(ac, n)
}

// residentNeed returns a published need of the resident's own community; a need of another
// community is ENOTFOUND.
func residentNeed(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Need, error) {
	n, err := publishedNeed(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !ac.IsSystem() && (ac.Scope == "" || len(n.CommunityCode) < len(ac.Scope) || n.CommunityCode[:len(ac.Scope)] != ac.Scope) {
		return nil, gongzhi.NotFound()
	}
	return n, nil
}

// SupportNeed records a resident's support of a published need of their own community, once
// per resident: a second support (also of concurrent requests) is ECONFLICT (need_id:
// need.already_supported). Only residents may (MaySupportNeed).
func (a *Service) SupportNeed(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MaySupportNeed(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := residentNeed(ctx, q, ac, id); err != nil {
			return err
		}
		if err := q.InsertNeedSupport(ctx, id, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResNeeds, kernel.Id10(id), nil, map[string]any{"support": true}, "need supported")
	})
}

// CommentNeed adds a resident's comment to a published need of their own community, under the
// resident's masked name. EINVALID (body: required, too_long:500, personal.phone,
// personal.id_number). Only residents may (MaySupportNeed).
func (a *Service) CommentNeed(ctx context.Context, ac *gongzhi.Actor, id int64, body string) (*gongzhi.NeedComment, error) {
	if err := kernel.Allow(ac, MaySupportNeed(ac)); err != nil {
		return nil, err
	}
	body, err := gongzhi.CheckNeedComment(body)
	if err != nil {
		return nil, err
	}
	name := kernel.ActorName(ac)
	if ac.User != nil && ac.User.DisplayName != "" {
		name = ac.User.DisplayName
	}
	c := &gongzhi.NeedComment{NeedID: id, Body: body, Author: gongzhi.MaskName(name)}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := residentNeed(ctx, q, ac, id); err != nil {
			return err
		}
		if err := q.InsertNeedComment(ctx, c, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResNeeds, kernel.Id10(id), nil, map[string]any{"comment": c.ID, "body": body}, "need comment")
	})
	return c, err
}

// HideNeedComment hides a comment with the reason (kept, shown to moderators, never to the
// public). Community staff and the office may (MayModerateNeeds), for a need of their place
// (else ENOTFOUND). EINVALID (reason: required); a hidden comment is ECONFLICT (state:
// need.comment_hidden).
func (a *Service) HideNeedComment(ctx context.Context, ac *gongzhi.Actor, commentID int64, reason string) (*gongzhi.NeedComment, error) {
	if err := kernel.Allow(ac, MayModerateNeeds(ac)); err != nil {
		return nil, err
	}
	reason, r := gongzhi.CheckText(reason, 500, true)
	if r != "" {
		return nil, gongzhi.Invalid("reason", r)
	}
	var c *gongzhi.NeedComment
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetNeedComment(ctx, commentID)
		if err != nil {
			return err
		}
		n, err := q.GetNeed(ctx, store.Scope{}, before.NeedID)
		if err != nil {
			return err
		}
		if !a.mayModerate(ac, n) {
			return gongzhi.NotFound()
		}
		if err := q.HideNeedComment(ctx, commentID, reason, kernel.ActorName(ac), a.NowUTC()); err != nil {
			return err
		}
		if c, err = q.GetNeedComment(ctx, commentID); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResNeeds, kernel.Id10(n.ID), before, c, "need comment hidden: "+reason)
	})
	return c, err
}
