package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/demo"
)

// setIn sets the controls of one form (a CSS selector) by name: a page of consultation holds
// several forms whose fields share names.
func (b *browser) setIn(what, form string, values map[string]string) {
	b.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for name, v := range values {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(form+` [name="`+name+`"]`), v))
	}
	b.do(what, steps...)
}

// signInAgain signs in with an account whose initial password login has changed already: each
// step of the journey below runs in a browser of its own, each bounded by browserTimeout.
func (b *browser) signInAgain(username string) {
	b.t.Helper()
	if st := b.open("/login"); st != http.StatusOK {
		b.fatal("GET /login: status %d", st)
	}
	st := b.load("sign in again as "+username,
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), newPassword),
		chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)),
	)
	if p := b.path(); st != http.StatusOK || p != "/" {
		b.fatal("after signing in again as %s: status %d at %s", username, st, p)
	}
}

// onPhone makes the tab a 390×844 phone.
func (b *browser) onPhone() {
	b.t.Helper()
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
}

// TestConsultationOnPhones: on phone-sized screens, a resident of 中山社区 raises a topic; the
// community office, for the deliberation committee, accepts it; residents comment (one here, a
// neighbour through the service); the office calls a hearing on it, opens sign-in and shows the
// door's QR code, whose address the resident opens on their signed-in phone and signs in with;
// the office signs a neighbour without a phone in, records a speaker and the minutes; the topic's
// page shows its whole path and the minutes print as a 公示 sheet, readable without an account.
func TestConsultationOnPhones(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	ctx := context.Background()

	res := newBrowser(t, srv.Base)
	res.onPhone()
	res.login("zs-resident")
	res.menu("/consult", "议事协商")
	res.expect("the resident's consultation page", "提出议题", demo.ConsultTopicTitle)
	checkNoSidewaysScroll(t, res, "/consult as a resident")
	res.shot("01-resident-consult")
	res.setIn("write a topic", `main form[action="/consult/topics"]`, map[string]string{"title": "中心花园增设无障碍坡道",
		"body": "花园入口只有台阶，轮椅和婴儿车进不去。"})
	res.press("raise the topic", `main form[action="/consult/topics"] button[type="submit"]`, http.StatusOK)
	topic := res.pathID()
	res.expect("the raised topic", "中心花园增设无障碍坡道", "待受理", "等待议事委员会答复")
	res.shot("02-resident-raised")
	checkNoSidewaysScroll(t, res, "the raised topic")

	com := newBrowser(t, srv.Base)
	com.onPhone()
	com.login("zs-community")
	com.menu("/consult", "议事协商")
	com.expect("the office's consultation page", "中心花园增设无障碍坡道", "已超期") // the demo's overdue paper topic
	checkNoSidewaysScroll(t, com, "/consult as community staff")
	com.shot("03-office-consult")
	com.open("/consult/topics/" + strconv.FormatInt(topic, 10))
	com.expect("the topic for the committee", "议事委员会答复", "受理", "不予受理")
	com.press("accept the topic", `main form[action$="/accept"] button[type="submit"]`, http.StatusOK)
	com.expect("the accepted topic", "议题已受理", "已受理，协商中")
	com.shot("04-office-accepted")

	// the office calls a hearing on the topic and opens sign-in at the door
	com.open("/consult?topic=" + strconv.FormatInt(topic, 10))
	form := `main form[action="/consult/meetings"]`
	starts := time.Now().In(gongzhi.ChinaTime).Add(30 * time.Minute).Format("2006-01-02T15:04")
	com.setIn("describe the hearing", form, map[string]string{"kind": "hearing", "title": "无障碍坡道听证会", "starts_at": starts,
		"location": "社区党群服务中心", "agenda": "一、方案介绍\n二、居民发言", "topic_id": strconv.FormatInt(topic, 10)})
	com.shot("05-office-meeting-form")
	com.press("call the hearing", form+` button[type="submit"]`, http.StatusOK)
	meeting := com.pathID()
	com.expect("the planned hearing", "无障碍坡道听证会", "听证会", "已安排", "中心花园增设无障碍坡道")
	com.press("open sign-in", `main form[action$="/signin-open"] button[type="submit"]`, http.StatusOK)
	if com.count(`main .consult-qr svg`) != 1 {
		com.fatal("no QR code at the door")
	}
	link := eval[string](com, `document.querySelector('#signin dd a').href`)
	if !strings.Contains(link, "/consult/signin/") {
		com.fatal("the door's code carries %q", link)
	}
	com.shot("06-office-qr")
	checkNoSidewaysScroll(t, com, "the door's QR code")

	// residents comment, then the resident scans the door's code with their signed-in phone
	res = newBrowser(t, srv.Base)
	res.onPhone()
	res.signInAgain("zs-resident")
	res.open("/consult/topics/" + strconv.FormatInt(topic, 10))
	res.setIn("write a comment", `main form[action$="/comments"]`, map[string]string{"body": "坡道坡度要缓，两边加扶手。"})
	res.press("post the comment", `main form[action$="/comments"] button[type="submit"]`, http.StatusOK)
	res.expect("the posted comment", "意见已发表", "坡道坡度要缓")
	res.press("support the topic", `main form[action$="/support"] button[type="submit"]`, http.StatusOK)
	res.expect("the supported topic", "您已附议此议题")
	neighbour := serviceActor(t, srv.App, "zs-resident2")
	if err := srv.App.ConsultService.Comment(ctx, neighbour, &gongzhi.Comment{TopicID: topic, Kind: gongzhi.CommentProposal,
		Body: "反方案：把东门台阶改成坡道，离停车场近。"}); err != nil {
		t.Fatal(err)
	}

	if st := res.open(strings.TrimPrefix(link, srv.Base)); st != http.StatusOK {
		res.fatal("open the door's code: %d", st)
	}
	res.expect("the sign-in page", "无障碍坡道听证会", "签到")
	res.shot("07-resident-signin")
	res.press("sign in", `main form[action^="/consult/signin/"] button[type="submit"]`, http.StatusOK)
	res.expect("signed in", "签到成功", "扫码签到")
	res.shot("08-resident-signed-in")

	// staff sign in a neighbour without a phone, record a speaker and the minutes
	com = newBrowser(t, srv.Base)
	com.onPhone()
	com.signInAgain("zs-community")
	com.open("/consult/meetings/" + strconv.FormatInt(meeting, 10))
	var person string
	if err := srv.App.DB.Q().QueryRow(ctx, `SELECT p.id FROM people p JOIN households h ON h.id = p.household_id WHERE h.community_code = ?
		AND p.kind = 'resident' AND p.id NOT IN (SELECT person_id FROM consult_attendees WHERE meeting_id = ?) ORDER BY p.id DESC LIMIT 1`,
		demo.ZhongshanCode, meeting).Scan(&person); err != nil {
		t.Fatal(err)
	}
	com.setIn("choose the neighbour", `main form[action$="/attendees"]`, map[string]string{"person_id": person})
	com.press("sign the neighbour in", `main form[action$="/attendees"] button[type="submit"]`, http.StatusOK)
	com.expect("two signed in", "扫码签到", "工作人员登记")
	com.setIn("a speaker", `main form[action$="/speakers"]`, map[string]string{"person_id": person, "summary": "同意在正门建坡道。"})
	com.press("record the speaker", `main form[action$="/speakers"] button[type="submit"]`, http.StatusOK)
	com.setIn("the minutes", `main form[action$="/minutes"]`, map[string]string{"minutes": "到会居民同意在中心花园正门建无障碍坡道，方案提交户代表表决。"})
	com.press("record the minutes", `main form[action$="/minutes"] button[type="submit"]`, http.StatusOK)
	com.expect("the held hearing", "纪要已保存", "已召开", "同意在中心花园正门建无障碍坡道")
	if com.count(`main .consult-qr svg`) != 0 {
		t.Errorf("the door's QR code is still shown after the minutes")
	}
	com.shot("09-office-held")
	checkNoSidewaysScroll(t, com, "the held hearing")

	// the topic's whole path, and the minutes as a 公示 sheet, without an account
	anon := newBrowser(t, srv.Base)
	anon.onPhone()
	if st := anon.open("/consult/topics/" + strconv.FormatInt(topic, 10)); st != http.StatusOK {
		anon.fatal("the topic without an account: %d", st)
	}
	anon.expect("the topic's path", "议题进程", "提出议题", "已受理，协商中", "2 条意见（其中反方案 1 条）", "听证会：无障碍坡道听证会", "已召开")
	anon.shot("10-public-topic")
	checkNoSidewaysScroll(t, anon, "the public topic")
	if st := anon.open("/consult/meetings/" + strconv.FormatInt(meeting, 10) + "/sheet"); st != http.StatusOK {
		anon.fatal("the minutes sheet: %d", st)
	}
	anon.expect("the minutes sheet", "听证会纪要公示", "2 人（扫码签到 1 人，工作人员登记 1 人）", "同意在中心花园正门建无障碍坡道")
	anon.shot("11-public-sheet")
	if st := anon.open("/public/consult/" + demo.ZhongshanCode); st != http.StatusOK {
		anon.fatal("the community's public page: %d", st)
	}
	anon.expect("the public page", "正在协商的议题", "中心花园增设无障碍坡道", demo.ConsultContestTitle)
	checkNoSidewaysScroll(t, anon, "the community's public page")
	anon.shot("12-public-community")
}
