// Fixtures shared by the delivery tests (ledger, supervision, evaluation): a call taken through
// to signed contracts, a signed-in browser, a multipart upload.

package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
)

// signSpec is how signCall runs a call's review and award.
type signSpec struct {
	panel       int            // experts drawn
	seed        int64          // the draw's seed
	threshold   gongzhi.Points // ProposeAwards' threshold
	afterNotice time.Duration  // how long after the notice period ends the call is finalized
	purchaser   string         // the purchaser's name on the contracts ("" for the default)
}

// signCall takes a call whose applications apps (by provs, in the same order) are submitted and
// whose closing time has passed through prelim review, a panel, scores, awards and the notice
// period to contracts confirmed by the purchaser and each provider. It returns the contracts as
// generated, by application.
func (f *offFix) signCall(c *gongzhi.Call, apps []int64, provs []*gongzhi.Actor, scores map[int64]gongzhi.Points, s signSpec) map[int64]*gongzhi.Contract {
	f.t.Helper()
	a, ctx := f.e.app, f.ctx
	f.must(a.CloseCall(ctx, f.pur, c.ID))
	for _, id := range apps {
		f.must(a.PrelimReview(ctx, f.hub, id, true, ""))
	}
	d, err := a.DrawPanel(ctx, f.pur, c.ID, s.panel, nil, s.seed)
	f.must(err)
	for _, m := range d.Members {
		if m.Active() {
			f.must(a.DeclareNoConflict(ctx, f.expert(m.PersonID), c.ID))
		}
	}
	f.must(a.StartReview(ctx, f.pur, c.ID))
	f.scoreAll(c.ID, scores)
	_, err = a.RankCall(ctx, f.pur, c.ID)
	f.must(err)
	_, err = a.ProposeAwards(ctx, f.pur, c.ID, s.threshold)
	f.must(err)
	f.must(a.PublishAwards(ctx, f.pur, c.ID))
	c, err = a.Call(ctx, f.pur, c.ID)
	f.must(err)
	f.at(c.NoticeEndsAt.Add(s.afterNotice))
	f.must(a.FinalizeCall(ctx, f.pur, c.ID))
	awards, err := a.Awards(ctx, f.pur, c.ID)
	f.must(err)
	out := map[int64]*gongzhi.Contract{}
	for _, w := range awards {
		ct, err := a.GenerateContract(ctx, f.pur, w.ID, s.purchaser)
		f.must(err)
		f.must(a.ConfirmContract(ctx, f.pur, ct.ID))
		for i, id := range apps {
			if id == w.ApplicationID {
				f.must(a.ConfirmContract(ctx, provs[i], ct.ID))
			}
		}
		out[w.ApplicationID] = ct
	}
	return out
}

// loginBrowser is a browser signed in as the demo account name (its password already changed).
func loginBrowser(t *testing.T, e *env, name string) *browser {
	t.Helper()
	e.user(name)
	b := e.browser()
	if st, loc := b.login(name, demo.Password); st != http.StatusSeeOther {
		t.Fatalf("%s login: %d %s", name, st, loc)
	}
	return b
}

// uploadFile posts content as the multipart file field "file" with a bearer token.
func uploadFile(t *testing.T, e *env, tok, path, name string, content []byte) apiResp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &body)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := apiResp{Status: res.StatusCode, Raw: raw, Header: res.Header}
	json.Unmarshal(raw, &out.Body)
	return out
}
