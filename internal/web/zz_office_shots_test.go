package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store/storetest"
)

func shoot(t *testing.T, base, user, dir string, pages map[string]string) {
	for _, phone := range []bool{false, true} {
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.Headless, chromedp.NoSandbox,
			chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
		if phone {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait)); err != nil {
				t.Fatal(err)
			}
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.SendKeys(`input[name="username"]`, user),
			chromedp.SendKeys(`input[name="password"]`, demo.Password), chromedp.Click(`main form[action="/login"] button[type="submit"]`),
			chromedp.Sleep(500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		for name, path := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.Sleep(200*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
			if err != nil {
				t.Fatal(err)
			}
			suffix := "desk"
			if phone {
				suffix = "phone"
				w, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("String(document.documentElement.scrollWidth)+'/'+String(window.innerWidth)"))
				if parts := strings.Split(w, "/"); parts[0] != parts[1] {
					t.Logf("%s scrolls sideways on a phone: %s", path, w)
				}
			}
			os.WriteFile(filepath.Join(dir, name+"-"+suffix+".png"), png, 0o644)
		}
		cancelT()
		cancel()
		cancelA()
	}
}

func TestZZOfficeShots(t *testing.T) {
	dir := os.Getenv("SHOTS")
	if dir == "" {
		t.Skip()
	}
	f := newOffFix(t, storetest.SQLite(t))
	a := f.e.app
	base := f.e.srv.URL
	// needs over several communities
	comms := []string{demo.ZhongshanCode, "320116004005", "320116004007", "320116004008"}
	groups := []string{"elderly_alone", "children", "disabled", "elderly"}
	cats := []string{"elderly_home_care", "community_social_work", "staff_training"}
	var needIDs []int64
	for i := 0; i < 23; i++ {
		n := &gongzhi.Need{CommunityCode: comms[i%len(comms)], TargetGroup: groups[(i/2)%len(groups)], CategoryCode: cats[(i/3)%len(cats)],
			Description: fmt.Sprintf("需求描述 %d：独居老人午餐无人照料，希望社区开设助餐点", i), PeopleAffected: 10 + i*3, Source: gongzhi.NeedSources[i%5]}
		if err := a.RecordNeed(f.ctx, f.pur, n); err != nil {
			t.Logf("need %d: %v", i, err)
			continue
		}
		needIDs = append(needIDs, n.ID)
	}
	b := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "2026年街道社区公益创投资金", Amount: gongzhi.Yuan(600_000)}
	f.must(a.CreateBudget(f.ctx, f.pur, b))
	mk := func(title string) *gongzhi.Call {
		c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: title, Description: "面向本街道社区社会组织的公益创投。",
			Categories: []string{"elderly_home_care", "community_social_work"}, BudgetID: b.ID, Amount: gongzhi.Yuan(150_000),
			Bands:   []gongzhi.FundingBand{{Name: "小型", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(50_000)}, {Name: "中型", Min: 5_000_001, Max: gongzhi.Yuan(90_000)}},
			OpensAt: offStart, ClosesAt: offStart.Add(10*24*time.Hour + 8*time.Hour), NeedIDs: needIDs[:2], Eligibility: []string{"在本街道登记或备案的社会组织"}}
		f.must(a.CreateCall(f.ctx, f.pur, c))
		return c
	}
	A, B, C, D := mk("葛塘街道首届社区公益创投"), mk("葛塘街道为老服务项目征集"), mk("葛塘街道社区社会工作项目"), mk("葛塘街道社工人才培训（草稿）")
	for _, c := range []*gongzhi.Call{A, B, C} {
		f.must(a.OpenCall(f.ctx, f.pur, c.ID))
	}
	var appsA, appsB, appsC []int64
	orgs := []string{"同心", "启明", "仁爱", "睦邻"}
	amts := []int64{90_000, 40_000, 50_000, 30_000}
	for i, o := range orgs {
		appsA = append(appsA, f.apply(A.ID, f.provider(o), "长者食堂助餐服务"+fmt.Sprint(i+1), amts[i], needIDs[0]))
		appsB = append(appsB, f.apply(B.ID, f.provider(o), "为老服务项目"+fmt.Sprint(i+1), amts[i]))
		appsC = append(appsC, f.apply(C.ID, f.provider(o), "社会工作项目"+fmt.Sprint(i+1), amts[i]))
	}
	shoot(t, base, "gt-purchaser", dir, map[string]string{"01-calls": "/calls", "02-call-open": fmt.Sprintf("/calls/%d", A.ID),
		"03-call-draft": fmt.Sprintf("/calls/%d", D.ID), "04-call-form": "/calls/new", "05-needs": "/needs", "06-needs-map": "/needs/map",
		"07-budget": fmt.Sprintf("/budgets/%d", b.ID), "08-catalog": "/catalog", "09-budgets": "/budgets", "10-need-new": "/needs/new"})
	f.at(time.Date(2026, 12, 11, 9, 0, 0, 0, gongzhi.ChinaTime))
	for _, c := range []*gongzhi.Call{A, B, C} {
		f.must(a.CloseCall(f.ctx, f.pur, c.ID))
	}
	for _, x := range [][]int64{appsA, appsB} {
		for i, id := range x {
			f.must(a.PrelimReview(f.ctx, f.hub, id, i < 3, map[bool]string{true: "", false: "缺少预算明细附件"}[i < 3]))
		}
	}
	f.must(a.PrelimReview(f.ctx, f.hub, appsC[3], false, "不属于本次征集的服务类别"))
	for _, c := range []*gongzhi.Call{A, B} {
		_, err := a.DrawPanel(f.ctx, f.pur, c.ID, 10, nil, 20261211)
		f.must(err)
		d, _ := a.Panel(f.ctx, f.pur, c.ID)
		for _, m := range d.Members {
			if m.Active() {
				f.must(a.DeclareNoConflict(f.ctx, f.expert(m.PersonID), c.ID))
			}
		}
		f.must(a.StartReview(f.ctx, f.pur, c.ID))
	}
	f.scoreAll(A.ID, map[int64]gongzhi.Points{appsA[0]: 8800, appsA[1]: 7500, appsA[2]: 8200})
	f.scoreAll(B.ID, map[int64]gongzhi.Points{appsB[0]: 8000, appsB[1]: 7700, appsB[2]: 6900})
	for _, c := range []*gongzhi.Call{A, B} {
		_, err := a.RankCall(f.ctx, f.pur, c.ID)
		f.must(err)
		_, err = a.ProposeAwards(f.ctx, f.pur, c.ID, 6000)
		f.must(err)
	}
	shoot(t, base, "gt-hub", dir, map[string]string{"11-call-closed-hub": fmt.Sprintf("/calls/%d", C.ID)})
	shoot(t, base, "gt-purchaser", dir, map[string]string{"12-call-reviewing": fmt.Sprintf("/calls/%d", B.ID),
		"13-app": fmt.Sprintf("/calls/%d/applications/%d", B.ID, appsB[0]), "14-call-closed": fmt.Sprintf("/calls/%d", C.ID)})
	f.must(a.SetAward(f.ctx, f.pur, A.ID, appsA[2], gongzhi.Yuan(30_000), "压缩宣传费"))
	f.must(a.SetAward(f.ctx, f.pur, A.ID, appsA[1], gongzhi.Yuan(30_000), "按小型档资助"))
	f.must(a.PublishAwards(f.ctx, f.pur, A.ID))
	o := &gongzhi.Objection{CallID: A.ID, ApplicationID: appsA[2], Name: "李先生", Contact: "13900000000", Body: "探访对象与其他项目重复"}
	f.must(a.FileObjection(f.ctx, nil, o))
	shoot(t, base, "gt-purchaser", dir, map[string]string{"15-call-notice": fmt.Sprintf("/calls/%d", A.ID)})
	f.must(a.AnswerObjection(f.ctx, f.pur, o.ID, "经核查不重复，异议不成立。", false, false))
	f.at(time.Date(2026, 12, 18, 9, 0, 0, 0, gongzhi.ChinaTime))
	f.must(a.FinalizeCall(f.ctx, f.pur, A.ID))
	ws, _ := a.Awards(f.ctx, f.pur, A.ID)
	var ct int64
	for _, w := range ws {
		c, err := a.GenerateContract(f.ctx, f.pur, w.ID, "")
		f.must(err)
		if ct == 0 {
			ct = c.ID
			f.must(a.ConfirmContract(f.ctx, f.pur, c.ID))
			f.must(a.ConfirmContract(f.ctx, f.provider("同心"), c.ID))
			_, err := a.RecordPayment(f.ctx, f.pur, c.ID, 0, gongzhi.Yuan(45_000), "2026-12-18", "首期")
			f.must(err)
		}
	}
	shoot(t, base, "gt-purchaser", dir, map[string]string{"16-call-final": fmt.Sprintf("/calls/%d", A.ID),
		"17-contract": fmt.Sprintf("/contracts/%d", ct), "18-contracts": "/contracts", "19-reports": "/reports?from=2026&to=2026",
		"20-report-needs": "/reports/needs", "21-history": fmt.Sprintf("/calls/%d/history", A.ID), "22-amend": fmt.Sprintf("/contracts/%d/amend", ct),
		"23-budget-after": fmt.Sprintf("/budgets/%d", b.ID)})
}
