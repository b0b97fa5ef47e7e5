// The OpenAPI 3 document of /api/v1, served at /api/openapi.json. Each operation is declared in
// apiDocs below, apart from the route registrations, and a test checks that the two agree in
// both directions, so the document cannot drift from the real routes.

package web

import (
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gongzhi"
)

type ApiDoc struct {
	Summary string
	Req     any  // request body type (JSON), nil for none
	Resp    any  // response body type
	List    bool // response is {items, total, page, per_page} of Resp
	Upload  bool // multipart upload with a "file" field
	Binary  bool // response is an .xlsx file
	Filters []string
	Public  bool // needs no account
	// Status is what the handler answers on success, as it writes it: http.StatusCreated for
	// an operation that creates a record (the convention: a POST to a collection), 0 for the
	// default — 200, or 204 for a DELETE. Actions on a record (open, cancel, confirm, answer…)
	// answer 200. The web tests check every operation they call against it.
	Status int
}

// SuccessStatus is the status the operation answers on success (see Status).
func (d ApiDoc) SuccessStatus(method string) int {
	switch {
	case d.Status != 0:
		return d.Status
	case method == http.MethodDelete:
		return http.StatusNoContent
	}
	return http.StatusOK
}

type recordDoc struct {
	name    string
	typ     any
	filters []string
	write   bool
	del     bool
}

var recordDocs = []recordDoc{
	{"places", gongzhi.Place{}, []string{"level", "parent", "under"}, true, false},
	{"grids", gongzhi.Grid{}, []string{"community"}, true, true},
	{"households", gongzhi.Household{}, []string{"community", "grid", "no_grid"}, true, true},
	{"organizations", gongzhi.Organization{}, []string{"type", "reg_state", "origin", "grade", "incubation", "service_field", "place"}, true, true},
	{"people", gongzhi.Person{}, []string{"kind", "gender", "licence", "expert_field", "target_group", "org", "place", "household", "id_number"}, true, true},
	{"users", gongzhi.User{}, []string{"role", "locked", "disabled"}, false, false},
}

type idNumber struct {
	IDNumber string `json:"id_number"`
}
type importResult struct {
	Imported int `json:"imported"`
}
type statusBody struct {
	Status          string `json:"status"`
	OneTimePassword string `json:"one_time_password,omitempty"`
}
type historyBody struct {
	Items []gongzhi.AuditEntry `json:"items"`
}
type createdUser struct {
	User            gongzhi.User `json:"user"`
	OneTimePassword string       `json:"one_time_password"`
}
type createdToken struct {
	Token  gongzhi.APIToken `json:"token"`
	Secret string           `json:"secret"`
}
type meBody struct {
	User      gongzhi.User `json:"user"`
	ScopeCode string       `json:"scope_code"`
}
type ItemsOf[T any] struct {
	Items []T `json:"items"`
}

// apiDocs declares every operation of /api/v1.
func apiDocs() map[string]ApiDoc {
	d := map[string]ApiDoc{
		"POST /api/v1/people/{id}/reveal":                   {Summary: "Reveal a person's full ID number (community staff and grid workers). Revealing is a write: it is audited, so a read token is refused (403 err.token_read_only) and a write or full token is needed", Resp: idNumber{}},
		"POST /api/v1/users":                                {Summary: "Create an account with a one-time password (system administrator)", Req: gongzhi.User{}, Resp: createdUser{}, Status: http.StatusCreated},
		"POST /api/v1/users/{id}/unlock":                    {Summary: "Unlock an account (security administrator)", Resp: statusBody{}},
		"POST /api/v1/users/{id}/reset":                     {Summary: "Reset an account's password (security administrator)", Resp: statusBody{}},
		"POST /api/v1/users/{id}/end-sessions":              {Summary: "Sign an account out everywhere (security administrator)", Resp: statusBody{}},
		"GET /api/v1/target-groups":                         {Summary: "List target groups", Resp: ItemsOf[gongzhi.TargetGroup]{}},
		"POST /api/v1/target-groups":                        {Summary: "Add a target group (purchaser)", Req: gongzhi.TargetGroup{}, Resp: gongzhi.TargetGroup{}, Status: http.StatusCreated},
		"GET /api/v1/tokens":                                {Summary: "List your API tokens (all tokens for the security administrator)", Resp: ItemsOf[gongzhi.APIToken]{}},
		"POST /api/v1/tokens":                               {Summary: "Create an API token (name, days, scope: read, write or full; place_code: optional, a place within the account's area the token is limited to, reads and writes alike); the secret is returned once. Names are unique among the account's live tokens (409 name: token.name_taken). A token needs the full scope to make one, and makes none wider, longer-lived or over a wider place than itself", Req: TokenRequest{}, Resp: createdToken{}, Status: http.StatusCreated},
		"POST /api/v1/tokens/{id}/revoke":                   {Summary: "Revoke an API token; once: a second revoke answers 409 (id: token.already_revoked, its message saying when)", Resp: statusBody{}},
		"DELETE /api/v1/tokens/{id}":                        {Summary: "Revoke an API token (a token revokes itself; others only with the full scope); a second revoke answers 409 (id: token.already_revoked, its message saying when)"},
		"POST /api/v1/auth/token":                           {Summary: "Get an API token with an account's username, password and, for two factors, a code (no account needed; throttled and locked out like the sign-in); name, days, scope and place_code as in POST /api/v1/tokens", Public: true, Req: PasswordTokenRequest{}, Resp: createdToken{}, Status: http.StatusCreated},
		"GET /api/v1/audit":                                 {Summary: "Read the audit log (audit administrator)", Resp: gongzhi.AuditEntry{}, List: true, Filters: AuditFilters},
		"POST /api/v1/applications/{id}/attachments/upload": {Summary: "Upload a file (PDF, picture, Office document) to a draft application of your organization: at most the server's upload limit (10 MiB unless configured), never more than 50 MiB; a larger file is refused with 413 naming the field file and the limit", Upload: true, Resp: gongzhi.Attachment{}, Status: http.StatusCreated},
		"GET /api/v1/applications/{id}/attachments/{att}":   {Summary: "Download an application's attachment", Binary: true},
		"GET /api/v1/public/calls":                          {Summary: "Open calls and calls with published results (no account needed)", Public: true, List: true, Resp: gongzhi.Call{}, Filters: []string{"state", "kind", "category"}},
		"GET /api/v1/public/calls/{id}":                     {Summary: "A call's public terms, criteria and needs (no account needed)", Public: true, Resp: gongzhi.Call{}},
		"GET /api/v1/public/calls/{id}/notice":              {Summary: "A call's published notice: awards and the notice period (no account needed)", Public: true, Resp: gongzhi.Notice{}},
		"GET /api/v1/public/calls/{id}/objections":          {Summary: "Objections to a call's results and the office's answers, without objectors' names (no account needed)", Public: true, Resp: ItemsOf[gongzhi.Objection]{}},
		"POST /api/v1/public/calls/{id}/objections":         {Summary: "File an objection during the notice period (no account needed; a contact is required)", Public: true, Req: gongzhi.Objection{}, Resp: gongzhi.Objection{}, Status: http.StatusCreated},
		"GET /api/v1/public/communities":                    {Summary: "Communities, for the public needs form (no account needed)", Public: true},
		"POST /api/v1/public/needs":                         {Summary: "A resident submits a need (no account needed; a contact is required)", Public: true, Req: gongzhi.Need{}, Resp: gongzhi.Need{}, Status: http.StatusCreated},
		"GET /api/v1/public/on-time-rate":                   {Summary: "Purchasers' on-time payment rates (no account needed)", Public: true, Resp: gongzhi.OnTimeRate{}},
		"GET /api/v1/me":                                    {Summary: "The signed-in account and its scope", Resp: meBody{}},
		"GET /api/v1/todos":                                 {Summary: "The signed-in account's to-do list", Resp: HomeData{}},
		"POST /api/v1/organizations/import":                 {Summary: "Import organizations from an Excel file: all rows or none", Upload: true, Resp: importResult{}},
		"GET /api/v1/organizations/import-template.xlsx":    {Summary: "Excel template for importing organizations", Binary: true},
		"POST /api/v1/people/import":                        {Summary: "Import people from an Excel (.xlsx) or CSV file: all rows or none; the household code column links residents to households", Upload: true, Resp: importResult{}},
		"GET /api/v1/people/import-template.xlsx":           {Summary: "Excel template for importing people", Binary: true},
		"POST /api/v1/grids/import":                         {Summary: "Import grids from an Excel (.xlsx) or CSV file: all rows or none", Upload: true, Resp: importResult{}},
		"GET /api/v1/grids/import-template.xlsx":            {Summary: "Excel template for importing grids (a CSV file takes the same headers)", Binary: true},
		"POST /api/v1/households/import":                    {Summary: "Import households from an Excel (.xlsx) or CSV file (large lists): all rows or none; each needs a household code", Upload: true, Resp: importResult{}},
		"GET /api/v1/households/import-template.xlsx":       {Summary: "Excel template for importing households (a CSV file takes the same headers)", Binary: true},
	}
	for _, more := range moreAPIDocs {
		for k, v := range more {
			d[k] = v
		}
	}
	for _, r := range recordDocs {
		base := "/api/v1/" + r.name
		d["GET "+base] = ApiDoc{Summary: "List " + r.name + " in your scope", Resp: r.typ, List: true, Filters: r.filters}
		d["GET "+base+"/{id}"] = ApiDoc{Summary: "Get one of " + r.name, Resp: r.typ}
		d["GET "+base+"/{id}/history"] = ApiDoc{Summary: "Change history of one of " + r.name, Resp: historyBody{}}
		d["GET "+base+".xlsx"] = ApiDoc{Summary: "Export " + r.name + " to Excel (same filters as the list)", Binary: true, Filters: r.filters}
		d["PUT "+base+"/{id}"] = ApiDoc{Summary: "Replace one of " + r.name, Req: r.typ, Resp: r.typ}
		if r.write {
			d["POST "+base] = ApiDoc{Summary: "Create one of " + r.name, Req: r.typ, Resp: r.typ, Status: http.StatusCreated}
		}
		if r.del {
			d["DELETE "+base+"/{id}"] = ApiDoc{Summary: "Delete one of " + r.name}
		}
	}
	return d
}

// OpenAPI builds the document.
func OpenAPI() map[string]any {
	schemas := map[string]any{
		"Error": map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
			"error": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
				"code":    map[string]any{"type": "string", "enum": []string{gongzhi.EINVALID, gongzhi.EBADREQUEST, gongzhi.ENOTFOUND, gongzhi.ECONFLICT, gongzhi.EUNAUTHORIZED, gongzhi.EFORBIDDEN, gongzhi.ETOOLARGE, gongzhi.ETOOMANY, gongzhi.EBUSY, gongzhi.EINTERNAL}},
				"message": map[string]any{"type": "string"},
				"fields": map[string]any{"type": "object", "description": "field name → why it was refused",
					"additionalProperties": map[string]any{"$ref": "#/components/schemas/FieldError"}},
			}}}},
		"FieldError": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
			"code": map[string]any{"type": "string", "description": "A stable machine code: the reason's message key without its " +
				"argument, such as required, choice, too_long, money.format, state.illegal, budget.insufficient. Codes are never " +
				"renamed; compare against them, not against the message."},
			"message": map[string]any{"type": "string", "description": "The reason in the request's language (Accept-Language: en " +
				"for English), with its argument filled in."},
		}},
	}
	paths := map[string]map[string]any{}
	for pattern, doc := range apiDocs() {
		method, p, _ := strings.Cut(pattern, " ")
		op := map[string]any{"summary": doc.Summary, "security": []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}}
		if doc.Public {
			op["security"] = []any{}
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if doc.List || doc.Binary {
			for _, q := range append([]string{"q", "sort", "desc", "page", "per_page", "after", "before"}, doc.Filters...) {
				param := map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}}
				if d := listParamDocs[q]; d != "" {
					param["description"] = d
				}
				params = append(params, param)
			}
		}
		if params != nil {
			op["parameters"] = params
		}
		if doc.Req != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaRef(schemas, doc.Req)}}}
		}
		if doc.Upload {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
				"type": "object", "properties": map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}}}}}
		}
		ok := map[string]any{"description": http.StatusText(doc.SuccessStatus(method))}
		status := strconv.Itoa(doc.SuccessStatus(method))
		switch {
		case method == http.MethodDelete:
			ok = map[string]any{"description": "Deleted"}
		case doc.Binary:
			ok["content"] = map[string]any{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		case doc.List:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object", "properties": map[string]any{
				"items":       map[string]any{"type": "array", "items": schemaRef(schemas, doc.Resp)},
				"total":       map[string]any{"type": "integer", "description": "rows that match; when total_exact is false, more than this match"},
				"total_exact": map[string]any{"type": "boolean", "description": "false when counting stopped at " + strconv.Itoa(gongzhi.MaxCount) + " rows: the total is a lower bound"},
				"page":        map[string]any{"type": "integer", "description": "the page number asked for; 0 on a page reached by a cursor"},
				"per_page":    map[string]any{"type": "integer"},
				"next":        map[string]any{"type": "string", "description": "cursor of the next page (pass it as after=); absent on the last page"},
				"prev":        map[string]any{"type": "string", "description": "cursor of the previous page (pass it as before=); absent on the first page"}}}}}
		case doc.Resp != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaRef(schemas, doc.Resp)}}
		}
		errResp := map[string]any{"description": "Error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		op["responses"] = map[string]any{status: ok, "4XX": errResp}
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(method)] = op
	}
	if _, ok := schemas["Note"]; ok {
		schemas["Note"] = noteSchema()
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Gongzhi API", "version": "1", "description": "Community co-governance: places, grids, households, " +
			"organizations, people, accounts and the audit log. Authenticate with `Authorization: Bearer <token>` (make a token at /tokens), " +
			"or with the browser session plus an `X-CSRF-Token` header on writes. Every error has the shape {\"error\":{\"code\",\"message\",\"fields\"}}, " +
			"each field's reason a stable code with its message ({\"code\":\"required\",\"message\":\"…\"}); " +
			"a record outside your scope answers 404 exactly like a missing one. Each operation states the status it answers on success: " +
			"201 for one that creates a record, 204 for a deletion, 200 otherwise. " +
			"Money is always a whole number of fen (分; 100 fen = 1 yuan) in requests and answers, so that sums are exact; " +
			"the pages' and Excel files' choice of 元 or 万元 (?unit=wan) changes only what people read."},
		"paths": paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{
			"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
			"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
		}},
	}
}

// noteSchema documents gongzhi.Note: the codes and the kinds of their arguments.
func noteSchema() map[string]any {
	codes := make([]string, 0, len(gongzhi.NoteCodes))
	for c := range gongzhi.NoteCodes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var list []string
	for _, c := range codes {
		list = append(list, c+"("+strings.Join(gongzhi.NoteCodes[c], ", ")+")")
	}
	return map[string]any{"type": "object", "required": []string{"code", "args"},
		"description": "What a line of history or of a budget's ledger says, as data: a code and its arguments, always " +
			"strings, in the order the code lists their kinds — count and number: a decimal integer; money: fen; points: " +
			"hundredths of a point; date: YYYY-MM-DD; month: YYYY-MM; text: words a person wrote, as written; code:PREFIX: a " +
			"code whose words are the message PREFIX+code (code: alone: the argument is a message key). text is the note " +
			"in the request's language. A code is never renamed; new ones may be added. Codes: " + strings.Join(list, "; ") + ".",
		"properties": map[string]any{
			"code": map[string]any{"type": "string", "enum": append([]string{""}, codes...), "description": "\"\" for a line that says nothing more"},
			"args": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"text": map[string]any{"type": "string"},
		}}
}

// schemaRef registers the schema of v's type and returns a reference to it.
func schemaRef(schemas map[string]any, v any) map[string]any {
	t := reflect.TypeOf(v)
	return typeSchema(schemas, t)
}

var timeType = reflect.TypeOf(time.Time{})

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func typeSchema(schemas map[string]any, t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Pointer:
		return typeSchema(schemas, t.Elem())
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
		return map[string]any{"type": "number"}
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": "array", "items": typeSchema(schemas, t.Elem())}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": typeSchema(schemas, t.Elem())}
	case t.Kind() == reflect.Struct:
		name := t.Name()
		if i := strings.IndexByte(name, '['); i >= 0 {
			elem := t.Field(0).Type.Elem()
			for elem.Kind() == reflect.Pointer {
				elem = elem.Elem()
			}
			name = name[:i] + "Of" + elem.Name()
		}
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // placeholder against recursion
			props := map[string]any{}
			var names []string
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if tag == "-" || !f.IsExported() {
					continue
				}
				if tag == "" {
					tag = f.Name
				}
				props[tag] = typeSchema(schemas, f.Type)
				names = append(names, tag)
			}
			sort.Strings(names)
			schemas[name] = map[string]any{"type": "object", "properties": props}
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	WriteJSON(w, http.StatusOK, OpenAPI())
	return nil
}

// moreAPIDocs are the capabilities' operations, added by AddAPIDocs.
var moreAPIDocs []map[string]ApiDoc

// AddAPIDocs adds a capability's operations to the OpenAPI document. Capabilities call it from
// init.
func AddAPIDocs(docs ...map[string]ApiDoc) { moreAPIDocs = append(moreAPIDocs, docs...) }

type HomeData struct {
	Todos []gongzhi.Todo `json:"todos"`
	Stats []gongzhi.Todo `json:"stats"`
}

// TokenRequest makes an API token: its name, its lifetime in days (1 to 3650) and its scope
// (read, write or full; read when left out) — gongzhi.TokenScopes, tokens.go.
type TokenRequest struct {
	Name  string `json:"name"`
	Days  int    `json:"days"`
	Scope string `json:"scope"`
	Place string `json:"place_code"` // optional: a place within the account's scope the token is limited to
}

// PasswordTokenRequest gets a first API token with an account's credentials (POST
// /api/v1/auth/token): the code is the authenticator's (or a recovery code) for an account that
// signs in with two factors.
type PasswordTokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Days     int    `json:"days"`
	Scope    string `json:"scope"`
	Place    string `json:"place_code"` // optional, as in TokenRequest
}

var AuditFilters = []string{"entity", "entity_id", "action", "user", "from", "to"}

// listParamDocs describe the paging parameters every list takes.
var listParamDocs = map[string]string{
	"page": "page number from 1; page × per_page may not pass " + strconv.Itoa(gongzhi.MaxOffset) +
		" rows (a 400 with fields.page err.page_deep): deeper pages are reached with after=",
	"per_page": "rows per page, 1 to 200 (default 20)",
	"after":    "cursor from a list answer's next: the page after it, at any depth (with the same sort)",
	"before":   "cursor from a list answer's prev: the page before it",
}
