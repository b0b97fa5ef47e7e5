// Two factors in the pages and the API: the second step of a sign-in (a code, or enrolment for
// an account whose role requires two factors and has none), the account's own two-factor page
// (set up with a QR code, confirm with a first code, recovery codes shown once, switch off with a
// current code) and the security administrator's reset. The pending sign-in lives in the
// database; the browser holds only its token, in a short-lived HttpOnly cookie.

package accountsweb

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/web"
)

// pendingCookie holds the token of a sign-in waiting for its second step.
const pendingCookie = "gz_pending"

func init() {
	web.AddAPIDocs(map[string]web.ApiDoc{
		"GET /api/v1/me/2fa": {Summary: "Your two-factor state: switched on, waiting for its first code, required for your role, recovery codes left",
			Resp: accounts.TOTPStatus{}},
		"POST /api/v1/me/2fa/start": {Summary: "Set up an authenticator (TOTP, RFC 6238): a new secret and its otpauth:// address, waiting for its first code " +
			"(replaces one that waits; 409 when one is switched on)", Resp: accounts.Enrolment{}},
		"POST /api/v1/me/2fa/confirm": {Summary: "Switch the waiting authenticator on with its first code; the ten recovery codes are returned once",
			Req: codeRequest{}, Resp: recoveryCodes{}},
		"POST /api/v1/me/2fa/disable": {Summary: "Switch your authenticator off with a current code of it or a recovery code; a wrong code counts toward the " +
			"account's lockout", Req: codeRequest{}, Resp: statusOK{}},
		"POST /api/v1/users/{id}/reset-2fa": {Summary: "Remove an account's authenticator and recovery codes and end its sessions (security administrator)",
			Resp: statusOK{}},
	})
}

type codeRequest struct {
	Code string `json:"code"`
}

type recoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

type statusOK struct {
	Status string `json:"status"`
}

// toSecondStep sends a browser whose password was right to the second step of its sign-in.
func (s *Server) toSecondStep(w http.ResponseWriter, r *http.Request, step *accounts.SecondStep, next string) error {
	s.SetCookie(w, pendingCookie, step.Token, int(accounts.PendingLoginTTL.Seconds()))
	http.Redirect(w, r, "/login/2fa?next="+url.QueryEscape(next), http.StatusSeeOther)
	return nil
}

// secondStepData is the second step's page: a code, or enrolment with the QR code first.
type secondStepData struct {
	Next     string
	Username string
	Enrol    bool
	QR       template.HTML
	Secret   string
}

func (s *Server) secondStepPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSecondStep(w, r, http.StatusOK, nil)
}

// renderSecondStep shows the second step of the browser's pending sign-in, or sends it back to
// the sign-in page when there is none.
func (s *Server) renderSecondStep(w http.ResponseWriter, r *http.Request, status int, e *gongzhi.Error) error {
	lang, next := web.LangOf(r), web.SafeNext(r.FormValue("next"))
	c, err := r.Cookie(pendingCookie)
	if err != nil || c.Value == "" {
		return s.backToLogin(w, r, next)
	}
	u, enrol, err := s.svc.PendingUser(r.Context(), c.Value)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		return s.backToLogin(w, r, next)
	} else if err != nil {
		return err
	}
	d := secondStepData{Next: next, Username: u.Username, Enrol: enrol}
	if enrol {
		en, _, err := s.svc.PendingEnrolment(r.Context(), c.Value)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return s.backToLogin(w, r, next)
		} else if err != nil {
			return err
		}
		if d.QR, err = qrSVG(en.URL); err != nil {
			return err
		}
		d.Secret = groupSecret(en.Secret)
	}
	title := web.T(lang, "totp.step_title")
	if enrol {
		title = web.T(lang, "totp.enrol_title")
	}
	s.Render(w, r, status, "login_2fa", &web.Page{Title: title, Error: e, Data: d})
	return nil
}

// backToLogin ends a second step that has no live pending sign-in: the sign-in starts again.
func (s *Server) backToLogin(w http.ResponseWriter, r *http.Request, next string) error {
	s.ClearCookie(w, pendingCookie)
	e := &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.login_expired"}
	s.Render(w, r, http.StatusUnauthorized, "login", &web.Page{Title: web.T(web.LangOf(r), "login.title"), Error: e, Data: loginData{Next: next}})
	return nil
}

func (s *Server) secondStep(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return gongzhi.Invalid("form", "bad_text")
	}
	next := web.SafeNext(r.PostFormValue("next"))
	c, err := r.Cookie(pendingCookie)
	if err != nil || c.Value == "" {
		return s.backToLogin(w, r, next)
	}
	code := web.TruncateRunes(r.PostFormValue("code"), 64)
	in, err := s.svc.CompleteLogin(r.Context(), c.Value, code, web.ClientIP(r), r.UserAgent())
	if err != nil {
		e := gongzhi.AsError(err)
		switch {
		case e.Message == "err.bad_code":
			return s.renderSecondStep(w, r, web.StatusOf[e.Code], e)
		case e.Code == gongzhi.EUNAUTHORIZED || e.Code == gongzhi.ETOOMANY:
			s.ClearCookie(w, pendingCookie)
			s.Render(w, r, web.StatusOf[e.Code], "login", &web.Page{Title: web.T(web.LangOf(r), "login.title"), Error: e, Data: loginData{Next: next}})
			return nil
		}
		return err
	}
	s.ClearCookie(w, pendingCookie)
	s.SetCookie(w, web.SessionCookie, in.Token, int(s.svc.Cfg.SessionMax.Seconds()))
	if in.User.MustChangePassword {
		next = "/password"
	}
	if len(in.RecoveryCodes) > 0 {
		s.Render(w, r, http.StatusOK, "totp_codes", &web.Page{Title: web.T(web.LangOf(r), "totp.codes_title"),
			Data: codesData{Codes: in.RecoveryCodes, Next: next}})
		return nil
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type codesData struct {
	Codes []string
	Next  string
}

// myTOTPData is the account's own two-factor page.
type myTOTPData struct {
	*accounts.TOTPStatus
	QR     template.HTML
	Secret string
}

func (s *Server) myTOTP(w http.ResponseWriter, r *http.Request) error {
	return s.renderMyTOTP(w, r, http.StatusOK, nil)
}

func (s *Server) renderMyTOTP(w http.ResponseWriter, r *http.Request, status int, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	st, en, err := s.svc.MyTOTP(r.Context(), ac)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, st)
		return nil
	}
	d := myTOTPData{TOTPStatus: st}
	if en != nil {
		if d.QR, err = qrSVG(en.URL); err != nil {
			return err
		}
		d.Secret = groupSecret(en.Secret)
	}
	s.Render(w, r, status, "totp", &web.Page{Title: web.T(lang, "totp.title"), Active: "/account/2fa", Error: e, Data: d})
	return nil
}

func (s *Server) startTOTP(w http.ResponseWriter, r *http.Request) error {
	en, err := s.svc.StartTOTP(r.Context(), web.ActorOf(r))
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, en)
		return nil
	}
	http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
	return nil
}

func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) error {
	var req codeRequest
	err := s.Decode(w, r, &req)
	var codes []string
	if err == nil {
		codes, err = s.svc.ConfirmTOTP(r.Context(), web.ActorOf(r), req.Code)
	}
	if err != nil {
		return s.formError(w, r, err)
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, recoveryCodes{RecoveryCodes: codes})
		return nil
	}
	s.Render(w, r, http.StatusOK, "totp_codes", &web.Page{Title: web.T(web.LangOf(r), "totp.codes_title"), Active: "/account/2fa",
		Data: codesData{Codes: codes, Next: "/account/2fa"}})
	return nil
}

func (s *Server) disableTOTP(w http.ResponseWriter, r *http.Request) error {
	var req codeRequest
	err := s.Decode(w, r, &req)
	if err == nil {
		err = s.svc.DisableTOTP(r.Context(), web.ActorOf(r), req.Code)
	}
	if err != nil {
		return s.formError(w, r, err)
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, statusOK{Status: "disabled"})
		return nil
	}
	return s.Redirect(w, r, "/account/2fa", web.T(web.LangOf(r), "totp.disabled"))
}

// formError shows a refused code on the two-factor page (the API answers it as it is).
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error) error {
	e := gongzhi.AsError(err)
	if web.IsAPIPath(r) || (len(e.Fields) == 0 && e.Code != gongzhi.ECONFLICT) {
		return err
	}
	return s.renderMyTOTP(w, r, web.StatusOf[e.Code], e)
}

// qrSVG draws an otpauth:// address as a QR code (web.QRSVG).
func qrSVG(text string) (template.HTML, error) { return web.QRSVG(text, 232, false) }

// groupSecret shows a base32 secret in groups of four, as people type it into an app.
func groupSecret(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// isSecondStep reports whether Login's error sends the browser to the second step.
func isSecondStep(err error) (*accounts.SecondStep, bool) {
	var step *accounts.SecondStep
	return step, errors.As(err, &step)
}

// totpRoutes registers the second step of signing in, the account's own two-factor page and
// its API.
func (s *Server) totpRoutes() {
	s.Handle("GET /login/2fa", web.Public, s.secondStepPage)
	s.Handle("POST /login/2fa", web.Public, s.secondStep)
	s.Handle("GET /account/2fa", web.Changed, s.myTOTP)
	s.Handle("POST /account/2fa/start", web.Changed, s.startTOTP)
	s.Handle("POST /account/2fa/confirm", web.Changed, s.confirmTOTP)
	s.Handle("POST /account/2fa/disable", web.Changed, s.disableTOTP)
	s.Api("GET /api/v1/me/2fa", s.myTOTP)
	s.Api("POST /api/v1/me/2fa/start", s.startTOTP)
	s.Api("POST /api/v1/me/2fa/confirm", s.confirmTOTP)
	s.Api("POST /api/v1/me/2fa/disable", s.disableTOTP)
}
