// Accounts (system and security administrators), API tokens (everyone), the audit log (audit
// administrator) and target groups (purchaser) in the UI and the API.
package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

func (s *Server) userResource() *resource[*gongzhi.User] {
	a := s.app
	return &resource[*gongzhi.User]{
		name: "users", titleKey: "nav.users", itemKey: "user", perm: "users", noDelete: true,
		filters: []string{"role", "locked", "disabled"},
		list: func(ctx context.Context, ac *gongzhi.Actor, o store.ListOptions, each func(*gongzhi.User) error) (int, error) {
			p, err := a.Users(ctx, ac, o)
			for _, u := range p.Items {
				if err := each(u); err != nil {
					return 0, err
				}
			}
			return p.Total, err
		},
		get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.User, error) {
			n, err := parseID(id)
			if err != nil {
				return nil, err
			}
			return a.User(ctx, ac, n)
		},
		update: func(ctx context.Context, ac *gongzhi.Actor, id string, u *gongzhi.User) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			u.ID = n
			return a.UpdateUser(ctx, ac, u)
		},
		newT:  func() *gongzhi.User { return &gongzhi.User{} },
		idOf:  func(u *gongzhi.User) string { return strconv.FormatInt(u.ID, 10) },
		title: func(u *gongzhi.User) string { return u.DisplayName + " (" + u.Username + ")" },
		columns: func(lang string) []colDef {
			return []colDef{{T(lang, "user.username"), "username"}, {T(lang, "user.display_name"), ""}, {T(lang, "user.role"), "role"},
				{T(lang, "user.scope"), ""}, {T(lang, "user.last_login"), "last_login_at"}, {T(lang, "user.locked"), ""}, {T(lang, "user.disabled"), ""}}
		},
		row: func(lang string, u *gongzhi.User) []cell {
			return []cell{{Text: u.Username, Href: "/users/" + strconv.FormatInt(u.ID, 10)}, {Text: u.DisplayName}, {Text: T(lang, "role."+u.Role)},
				{Text: u.PlaceName + u.OrgName}, {Text: fmtTime(u.LastLoginAt)}, {Text: yesNo(lang, u.Locked(s.app.Now()))}, {Text: yesNo(lang, u.Disabled)}}
		},
		filterBar: func(r *http.Request, lang string) []field {
			return []field{filterSelect(r, "role", T(lang, "user.role"), enumOptions(lang, "role", gongzhi.Roles, true)),
				filterSelect(r, "locked", T(lang, "user.locked"), []option{{"", T(lang, "list.all")}, {"1", T(lang, "user.locked")}})}
		},
		export: func(lang string) ([]string, func(*gongzhi.User) []any) {
			return []string{T(lang, "user.username"), T(lang, "user.display_name"), T(lang, "user.role"), T(lang, "user.scope"), T(lang, "user.last_login"), T(lang, "user.disabled")},
				func(u *gongzhi.User) []any {
					return []any{u.Username, u.DisplayName, T(lang, "role."+u.Role), u.PlaceName + u.OrgName, u.LastLoginAt, yesNo(lang, u.Disabled)}
				}
		},
		fields: func(r *http.Request, lang string, u *gongzhi.User, errs map[string]string) []field {
			var roles []string
			for _, ro := range gongzhi.Roles {
				if !gongzhi.IsAdminRole(ro) || ro == u.Role {
					roles = append(roles, ro)
				}
			}
			places := append([]option{{"", "—"}}, s.allPlaceOptions(r)...)
			f := []field{}
			if u.ID == 0 {
				f = append(f, field{Name: "username", Label: T(lang, "user.username"), Type: "text", Value: u.Username, Error: errs["username"], Required: true})
			}
			return append(f,
				field{Name: "display_name", Label: T(lang, "user.display_name"), Type: "text", Value: u.DisplayName, Error: errs["display_name"], Required: true},
				field{Name: "role", Label: T(lang, "user.role"), Type: "select", Value: u.Role, Options: enumOptions(lang, "role", roles, false), Error: errs["role"], Required: true},
				field{Name: "place_code", Label: T(lang, "user.place_code"), Type: "select", Value: u.PlaceCode, Options: places, Error: errs["place_code"]},
				field{Name: "org_id", Label: T(lang, "user.org_id"), Type: "select", Value: idText(u.OrgID), Options: s.allOrgOptions(r), Error: errs["org_id"]},
				field{Name: "phone", Label: T(lang, "user.phone"), Type: "tel", Value: u.Phone, Error: errs["phone"]},
				field{Name: "disabled", Label: T(lang, "user.disabled"), Type: "checkbox", Value: strconv.FormatBool(u.Disabled)},
			)
		},
		detail: func(r *http.Request, lang string, u *gongzhi.User) detailView {
			ac := actorOf(r)
			dv := detailView{Rows: []kv{
				{Label: T(lang, "user.username"), Value: u.Username},
				{Label: T(lang, "user.role"), Value: T(lang, "role."+u.Role)},
				{Label: T(lang, "user.scope"), Value: u.PlaceName + u.OrgName},
				{Label: T(lang, "user.phone"), Value: u.Phone},
				{Label: T(lang, "user.last_login"), Value: fmtTime(u.LastLoginAt)},
				{Label: T(lang, "user.locked"), Value: yesNo(lang, u.Locked(s.app.Now()))},
				{Label: T(lang, "user.must_change"), Value: yesNo(lang, u.MustChangePassword)},
				{Label: T(lang, "user.disabled"), Value: yesNo(lang, u.Disabled)},
			}}
			if ac.Has(gongzhi.RoleSecAdmin) && ac.User.ID != u.ID {
				id := strconv.FormatInt(u.ID, 10)
				dv.Actions = append(dv.Actions,
					actionLink{Label: T(lang, "user.unlock"), Href: "/users/" + id + "/unlock", Post: true},
					actionLink{Label: T(lang, "user.reset"), Href: "/users/" + id + "/reset", Post: true, Confirm: T(lang, "user.reset") + "?"},
					actionLink{Label: T(lang, "user.end_sessions"), Href: "/users/" + id + "/end-sessions", Post: true})
			}
			return dv
		},
	}
}

// allPlaceOptions lists streets and communities (and districts) for account scopes; the system
// administrator sees every place, so the list is capped.
func (s *Server) allPlaceOptions(r *http.Request) []option {
	var out []option
	s.app.DB.Q().ListPlaces(r.Context(), store.Scope{}, store.ListOptions{Filters: map[string]string{}, Limit: 2000, Sort: "code"},
		func(p *gongzhi.Place) error {
			if p.Level >= gongzhi.LevelDistrict {
				out = append(out, option{p.Code, p.Name + " (" + p.Code + ")"})
			}
			return nil
		})
	return out
}

func (s *Server) allOrgOptions(r *http.Request) []option {
	out := []option{{"", "—"}}
	s.app.DB.Q().ListOrganizations(r.Context(), store.Scope{}, store.ListOptions{Limit: 2000, Sort: "name"}, func(o *gongzhi.Organization) error {
		out = append(out, option{strconv.FormatInt(o.ID, 10), o.Name})
		return nil
	})
	return out
}

// createUser is the system administrator's new-account form; the one-time password is shown once.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	res := s.userResource()
	u := &gongzhi.User{}
	title := T(lang, "action.create") + " · " + T(lang, "nav.users")
	if r.Method == http.MethodGet {
		if !canWrite(ac, "users") {
			return gongzhi.Forbidden()
		}
		res.renderForm(s, w, r, http.StatusOK, title, "/users/new", u, nil, true)
		return nil
	}
	err := s.decode(w, r, u)
	var pw string
	if err == nil {
		u.MustChangePassword = true
		pw, err = s.app.CreateUser(r.Context(), ac, u, "")
	}
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 && !isAPIPath(r) {
		res.renderForm(s, w, r, statusOf[e.Code], title, "/users/new", u, e, true)
		return nil
	} else if err != nil {
		return err
	}
	if isAPIPath(r) {
		stored, err := s.app.User(r.Context(), ac, u.ID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, map[string]any{"user": stored, "one_time_password": pw})
		return nil
	}
	return s.redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10), T(lang, "user.created:"+pw))
}

// securityAction runs one of the security administrator's actions on an account.
func (s *Server) securityAction(action string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		ac, lang := actorOf(r), langOf(r)
		msg := T(lang, "saved")
		var pw string
		switch action {
		case "unlock":
			err = s.app.UnlockUser(r.Context(), ac, id)
		case "reset":
			pw, err = s.app.ResetPassword(r.Context(), ac, id)
			msg = T(lang, "user.reset_done:"+pw)
		case "end-sessions":
			err = s.app.EndSessions(r.Context(), ac, id)
		}
		if err != nil {
			return err
		}
		if isAPIPath(r) {
			body := map[string]string{"status": "ok"}
			if pw != "" {
				body["one_time_password"] = pw
			}
			writeJSON(w, http.StatusOK, body)
			return nil
		}
		return s.redirect(w, r, "/users/"+strconv.FormatInt(id, 10), msg)
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}
