// Storage of public needs (migration 0021): publishing a need, residents' support (once each:
// the primary key of need_supports), their comments and the hiding of a comment with a reason,
// and the calls and contracts answering a need.

package store

import (
	"context"
	"database/sql"
	"time"

	"gongzhi"
)

// PublishNeed marks a need published; ECONFLICT (state: need.already_published) if it is
// already: of two concurrent publications, one wins.
func (q *Q) PublishNeed(ctx context.Context, id int64, now time.Time) error {
	res, err := q.Exec(ctx, `UPDATE needs SET published_at = ? WHERE id = ? AND published_at IS NULL`, now.UTC(), id)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return gongzhi.Refused("state", "need.already_published")
	}
	return nil
}

// ListPublishedNeeds returns the published needs of the communities within s (a community's
// code as the prefix: that community), newest first, at most limit.
func (q *Q) ListPublishedNeeds(ctx context.Context, s Scope, limit int) ([]*gongzhi.Need, error) {
	w := &where{}
	placeScope(w, "n.community_code", s)
	w.add("n.published_at IS NOT NULL")
	rows, err := q.Query(ctx, "SELECT "+needCols+" FROM "+needFrom+w.sql()+" ORDER BY n.published_at DESC, n.id DESC LIMIT ?", append(w.args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Need
	for rows.Next() {
		n, err := scanNeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

// InsertNeedSupport records a resident's support of a need; ECONFLICT (need_id:
// need.already_supported) if the account supports it already (the primary key decides
// between concurrent requests).
func (q *Q) InsertNeedSupport(ctx context.Context, needID, userID int64, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO need_supports (need_id, user_id, created_at) VALUES (?, ?, ?)`, needID, userID, now.UTC())
	if IsUnique(err, "") {
		return gongzhi.Refused("need_id", "need.already_supported")
	}
	return err
}

// NeedSupported reports which of the needs the account supports.
func (q *Q) NeedSupported(ctx context.Context, userID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if userID == 0 || len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT need_id FROM need_supports WHERE user_id = ? AND need_id IN (`+placeholders(len(ids))+`)`,
		append([]any{userID}, idArgs(ids)...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err)
		}
		out[id] = true
	}
	return out, mapErr(rows.Err())
}

// InsertNeedComment adds a comment.
func (q *Q) InsertNeedComment(ctx context.Context, c *gongzhi.NeedComment, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO need_comments (need_id, user_id, author_name, body, created_at) VALUES (?, ?, ?, ?, ?)`,
		c.NeedID, userID, c.Author, c.Body, now.UTC())
	if err != nil {
		return err
	}
	c.ID, c.CreatedAt = id, now
	return nil
}

const needCommentCols = `id, need_id, author_name, body, hidden, hidden_reason, hidden_by, hidden_at, created_at`

func scanNeedComment(s scanner) (*gongzhi.NeedComment, error) {
	var c gongzhi.NeedComment
	var hiddenAt sql.NullTime
	err := s.Scan(&c.ID, &c.NeedID, &c.Author, &c.Body, &c.Hidden, &c.HiddenReason, &c.HiddenBy, &hiddenAt, &c.CreatedAt)
	c.HiddenAt = hiddenAt.Time
	return &c, mapErr(err)
}

// GetNeedComment returns one comment.
func (q *Q) GetNeedComment(ctx context.Context, id int64) (*gongzhi.NeedComment, error) {
	return scanNeedComment(q.QueryRow(ctx, `SELECT `+needCommentCols+` FROM need_comments WHERE id = ?`, id))
}

// ListNeedComments returns a need's comments, oldest first; hidden ones only with withHidden.
func (q *Q) ListNeedComments(ctx context.Context, needID int64, withHidden bool) ([]*gongzhi.NeedComment, error) {
	query := `SELECT ` + needCommentCols + ` FROM need_comments WHERE need_id = ?`
	if !withHidden {
		query += ` AND hidden = FALSE`
	}
	rows, err := q.Query(ctx, query+` ORDER BY id`, needID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*gongzhi.NeedComment{}
	for rows.Next() {
		c, err := scanNeedComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// CountNeedComments returns the number of visible comments of each of the needs.
func (q *Q) CountNeedComments(ctx context.Context, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT need_id, COUNT(*) FROM need_comments WHERE hidden = FALSE AND need_id IN (`+placeholders(len(ids))+`)
		GROUP BY need_id`, idArgs(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, mapErr(err)
		}
		out[id] = n
	}
	return out, mapErr(rows.Err())
}

// HideNeedComment hides a visible comment with the reason; ECONFLICT (state:
// need.comment_hidden) if it is hidden already.
func (q *Q) HideNeedComment(ctx context.Context, id int64, reason, by string, now time.Time) error {
	res, err := q.Exec(ctx, `UPDATE need_comments SET hidden = TRUE, hidden_reason = ?, hidden_by = ?, hidden_at = ? WHERE id = ? AND hidden = FALSE`,
		reason, by, now.UTC(), id)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return gongzhi.Refused("state", "need.comment_hidden")
	}
	return nil
}

// NeedAnswers returns, for each of the needs, the calls that took it up (call_needs, or an
// application naming it) and the contracts (not drafts) of the projects whose applications
// name it: need → call → contract.
func (q *Q) NeedAnswers(ctx context.Context, ids []int64) (map[int64][]gongzhi.NeedAnswer, error) {
	out := map[int64][]gongzhi.NeedAnswer{}
	if len(ids) == 0 {
		return out, nil
	}
	in := placeholders(len(ids))
	rows, err := q.Query(ctx, `SELECT an.need_id, c.id, c.title, ct.id, ct.title, ct.provider_name FROM application_needs an
		JOIN contracts ct ON ct.application_id = an.application_id AND ct.state <> 'draft'
		JOIN calls c ON c.id = ct.call_id
		WHERE an.need_id IN (`+in+`) ORDER BY an.need_id, ct.id`, idArgs(ids)...)
	if err != nil {
		return nil, err
	}
	seen := map[int64]map[int64]bool{} // need → calls already answered by a contract
	for rows.Next() {
		var need int64
		var a gongzhi.NeedAnswer
		if err := rows.Scan(&need, &a.CallID, &a.CallTitle, &a.ContractID, &a.ContractTitle, &a.ProviderName); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		out[need] = append(out[need], a)
		if seen[need] == nil {
			seen[need] = map[int64]bool{}
		}
		seen[need][a.CallID] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows, err = q.Query(ctx, `SELECT cn.need_id, c.id, c.title FROM call_needs cn JOIN calls c ON c.id = cn.call_id
		WHERE cn.need_id IN (`+in+`) AND c.state <> 'draft' ORDER BY cn.need_id, c.id`, idArgs(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var need int64
		var a gongzhi.NeedAnswer
		if err := rows.Scan(&need, &a.CallID, &a.CallTitle); err != nil {
			return nil, mapErr(err)
		}
		if !seen[need][a.CallID] {
			out[need] = append(out[need], a)
		}
	}
	return out, mapErr(rows.Err())
}
