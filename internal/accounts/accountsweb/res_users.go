// Accounts (system and security administrators), API tokens (everyone), the audit log (audit
// administrator) and target groups (purchaser) in the UI and the API.

package accountsweb

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/web"
)

func (s *Server) userResource() *web.Resource[*gongzhi.User] {
	a := s.svc
	return &web.Resource[*gongzhi.User]{
		Name: "users", TitleKey: "nav.users", ItemKey: "user", NoDelete: true,
		MayWrite: accounts.MayManageUsers,
		Filters:  []string{"role", "locked", "disabled"},
		List: func(ctx context.Context, ac *gongzhi.Actor, o gongzhi.ListOptions, each func(*gongzhi.User) error) (int, error) {
			p, err := a.Users(ctx, ac, o)
			for _, u := range p.Items {
				if err := each(u); err != nil {
					return 0, err
				}
			}
			return p.Total, err
		},
		Get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.User, error) {
			n, err := web.ParseID(id)
			if err != nil {
				return nil, err
			}
			return a.User(ctx, ac, n)
		},
		Update: func(ctx context.Context, ac *gongzhi.Actor, id string, u *gongzhi.User) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			u.ID = n
			return a.UpdateUser(ctx, ac, u)
		},
		NewT:  func() *gongzhi.User { return &gongzhi.User{} },
		IdOf:  func(u *gongzhi.User) string { return strconv.FormatInt(u.ID, 10) },
		Title: func(u *gongzhi.User) string { return u.DisplayName + " (" + u.Username + ")" },
		Columns: func(lang string) []web.ColDef {
			return []web.ColDef{{Label: web.T(lang, "user.username"), Sort: "username"}, {Label: web.T(lang, "user.display_name"), Sort: ""}, {Label: web.T(lang, "user.role"), Sort: "role"},
				{Label: web.T(lang, "user.scope"), Sort: ""}, {Label: web.T(lang, "user.last_login"), Sort: "last_login_at"}, {Label: web.T(lang, "user.locked"), Sort: ""}, {Label: web.T(lang, "user.disabled"), Sort: ""}}
		},
		Row: func(lang string, u *gongzhi.User) []web.Cell {
			return []web.Cell{{Text: u.Username, Href: "/users/" + strconv.FormatInt(u.ID, 10)}, {Text: u.DisplayName}, {Text: web.T(lang, "role."+u.Role)},
				{Text: u.PlaceName + u.OrgName}, {Text: fmtTime(u.LastLoginAt)}, {Text: web.YesNo(lang, u.Locked(s.svc.Now()))}, {Text: web.YesNo(lang, u.Disabled)}}
		},
		FilterBar: func(r *http.Request, lang string) []web.Field {
			return []web.Field{web.FilterSelect(r, "role", web.T(lang, "user.role"), web.EnumOptions(lang, "role", gongzhi.Roles, true)),
				web.FilterSelect(r, "locked", web.T(lang, "user.locked"), []web.Option{{Value: "", Label: web.T(lang, "list.all")}, {Value: "1", Label: web.T(lang, "user.locked")}})}
		},
		Export: func(lang string) ([]string, func(*gongzhi.User) []any) {
			return []string{web.T(lang, "user.username"), web.T(lang, "user.display_name"), web.T(lang, "user.role"), web.T(lang, "user.scope"), web.T(lang, "user.last_login"), web.T(lang, "user.disabled")},
				func(u *gongzhi.User) []any {
					return []any{u.Username, u.DisplayName, web.T(lang, "role."+u.Role), u.PlaceName + u.OrgName, u.LastLoginAt, web.YesNo(lang, u.Disabled)}
				}
		},
		Fields: func(r *http.Request, lang string, u *gongzhi.User, errs map[string]string) []web.Field {
			var roles []string
			for _, ro := range gongzhi.Roles {
				if !gongzhi.IsAdminRole(ro) || ro == u.Role {
					roles = append(roles, ro)
				}
			}
			places, nPlaces := s.allPlaceOptions(r)
			orgs, nOrgs := s.allOrgOptions(r)
			f := []web.Field{}
			if u.ID == 0 {
				f = append(f, web.Field{Name: "username", Label: web.T(lang, "user.username"), Type: "text", Value: u.Username, Error: errs["username"], Required: true})
			}
			return append(f,
				web.Field{Name: "display_name", Label: web.T(lang, "user.display_name"), Type: "text", Value: u.DisplayName, Error: errs["display_name"], Required: true},
				web.Field{Name: "role", Label: web.T(lang, "user.role"), Type: "select", Value: u.Role, Options: web.EnumOptions(lang, "role", roles, false), Error: errs["role"], Required: true},
				web.SuggestField(lang, web.Field{Name: "place_code", Label: web.T(lang, "user.place_code"), Type: "select", Value: u.PlaceCode, Options: places, Error: errs["place_code"]}, nPlaces),
				web.SuggestField(lang, web.Field{Name: "org_id", Label: web.T(lang, "user.org_id"), Type: "select", Value: web.IdText(u.OrgID), Options: orgs, Error: errs["org_id"]}, nOrgs),
				web.Field{Name: "phone", Label: web.T(lang, "user.phone"), Type: "tel", Value: u.Phone, Error: errs["phone"]},
				web.Field{Name: "disabled", Label: web.T(lang, "user.disabled"), Type: "checkbox", Value: strconv.FormatBool(u.Disabled)},
			)
		},
		Detail: func(r *http.Request, lang string, u *gongzhi.User) (web.DetailView, error) {
			ac := web.ActorOf(r)
			dv := web.DetailView{Rows: []web.Kv{
				{Label: web.T(lang, "user.username"), Value: u.Username},
				{Label: web.T(lang, "user.role"), Value: web.T(lang, "role."+u.Role)},
				{Label: web.T(lang, "user.scope"), Value: u.PlaceName + u.OrgName},
				{Label: web.T(lang, "user.phone"), Value: u.Phone},
				{Label: web.T(lang, "user.last_login"), Value: fmtTime(u.LastLoginAt)},
				{Label: web.T(lang, "user.locked"), Value: web.YesNo(lang, u.Locked(s.svc.Now()))},
				{Label: web.T(lang, "user.must_change"), Value: web.YesNo(lang, u.MustChangePassword)},
				{Label: web.T(lang, "user.disabled"), Value: web.YesNo(lang, u.Disabled)},
			}}
			if accounts.MaySecure(ac, u.ID) {
				id := strconv.FormatInt(u.ID, 10)
				dv.Actions = append(dv.Actions,
					web.ActionLink{Label: web.T(lang, "user.unlock"), Href: "/users/" + id + "/unlock", Post: true},
					web.ActionLink{Label: web.T(lang, "user.reset"), Href: "/users/" + id + "/reset", Post: true, Confirm: web.T(lang, "user.reset") + "?"},
					web.ActionLink{Label: web.T(lang, "user.end_sessions"), Href: "/users/" + id + "/end-sessions", Post: true},
					web.ActionLink{Label: web.T(lang, "totp.reset"), Href: "/users/" + id + "/reset-2fa", Post: true, Confirm: web.T(lang, "totp.reset") + "?"})
			}
			return dv, nil
		},
	}
}

// allPlaceOptions lists provinces, cities, districts, streets and communities for account scopes, blank first, and
// says how many there are. The system administrator sees every place of the instance — after the
// national division list is imported, hundreds of thousands — so at most web.OptionCap are
// listed, by code, and the form suggests them (web.SuggestField).
func (s *Server) allPlaceOptions(r *http.Request) ([]web.Option, int) {
	var out []web.Option
	total := 0
	for _, lvl := range []int{gongzhi.LevelProvince, gongzhi.LevelCity, gongzhi.LevelDistrict, gongzhi.LevelStreet, gongzhi.LevelCommunity} {
		n, err := s.svc.ScopePlaces(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Filters: map[string]string{"level": strconv.Itoa(lvl)}, Limit: web.OptionCap, Sort: "code"},
			func(p *gongzhi.Place) error {
				out = append(out, web.Option{Value: p.Code, Label: p.Name + " (" + p.Code + ")"})
				return nil
			})
		s.LogListError(r, "account place options", err)
		total += n
	}
	slices.SortFunc(out, func(a, b web.Option) int { return strings.Compare(a.Value, b.Value) })
	out = out[:min(len(out), web.OptionCap)]
	return append([]web.Option{{Value: "", Label: "—"}}, out...), total
}

// allOrgOptions lists organizations for provider accounts, blank first, and says how many there
// are; at most web.OptionCap, by name (see allPlaceOptions).
func (s *Server) allOrgOptions(r *http.Request) ([]web.Option, int) {
	out := []web.Option{{Value: "", Label: "—"}}
	total, err := s.svc.ScopeOrganizations(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Limit: web.OptionCap, Sort: "name"}, func(o *gongzhi.Organization) error {
		out = append(out, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
		return nil
	})
	s.LogListError(r, "account organization options", err)
	return out, total
}

// createUser is the system administrator's new-account form; the one-time password is shown once.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	res := s.userResource()
	u := &gongzhi.User{}
	title := web.T(lang, "action.create") + " · " + web.T(lang, "nav.users")
	if r.Method == http.MethodGet {
		if !accounts.MayManageUsers(ac) {
			return gongzhi.Forbidden()
		}
		res.RenderForm(s.Server, w, r, http.StatusOK, title, "/users/new", u, nil, true)
		return nil
	}
	err := s.Decode(w, r, u)
	var pw string
	if err == nil {
		u.MustChangePassword = true
		pw, err = s.svc.CreateUser(r.Context(), ac, u, "")
	}
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 && !web.IsAPIPath(r) {
		res.RenderForm(s.Server, w, r, web.StatusOf[e.Code], title, "/users/new", u, e, true)
		return nil
	} else if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		stored, err := s.svc.User(r.Context(), ac, u.ID)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, map[string]any{"user": stored, "one_time_password": pw})
		return nil
	}
	return s.Redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10), web.T(lang, "user.created:"+pw))
}

// securityAction runs one of the security administrator's actions on an account.
func (s *Server) securityAction(action string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		ac, lang := web.ActorOf(r), web.LangOf(r)
		msg := web.T(lang, "saved")
		var pw string
		switch action {
		case "unlock":
			err = s.svc.UnlockUser(r.Context(), ac, id)
		case "reset":
			pw, err = s.svc.ResetPassword(r.Context(), ac, id)
			msg = web.T(lang, "user.reset_done:"+pw)
		case "end-sessions":
			err = s.svc.EndSessions(r.Context(), ac, id)
		case "reset-2fa":
			err = s.svc.ResetTOTP(r.Context(), ac, id)
		}
		if err != nil {
			return err
		}
		if web.IsAPIPath(r) {
			body := map[string]string{"status": "ok"}
			if pw != "" {
				body["one_time_password"] = pw
			}
			web.WriteJSON(w, http.StatusOK, body)
			return nil
		}
		return s.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10), msg)
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(web.ChinaTime).Format("2006-01-02 15:04")
}
