// Package open311 serves grid events as an Open311 GeoReport v2 server at /open311/v2/
// (docs/events.md, "Open311"): service discovery, the service list (the event categories), a
// service definition (its attributes: the community, required, and the grid), POST a service
// request (an API key: a Gongzhi API token that may write), GET requests with the standard
// filters, GET one request, and GET a request's id from a token (the event's tracking code). Each
// answers XML or JSON by the resource's extension, with the specification's element names, W3C
// dates and its error format; status is open or closed, the step of the seven in status_notes.
package open311

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/events"
	"gongzhi/internal/web"
)

// Server is the Open311 handlers on the kit's server, over the events service.
type Server struct {
	*web.Server
	svc *events.Service
}

// templates is empty of pages: the kit asks every part for its directory.
//
//go:embed templates
var templates embed.FS

// Part is the Open311 server's share of the web server.
func Part(svc *events.Service) web.Part {
	return web.Part{Name: "open311", Dir: "internal/events/open311", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).routes() }}
}

func (s *Server) routes() {
	s.Handle("GET /open311/v2/{resource}", web.Public, s.top)
	s.Handle("POST /open311/v2/{resource}", web.Public, s.post)
	s.Handle("GET /open311/v2/services/{code}", web.Public, s.definition)
	s.Handle("GET /open311/v2/requests/{id}", web.Public, s.request)
	s.Handle("GET /open311/v2/tokens/{token}", web.Public, s.token)
}

// DateFormat is the specification's W3C date-time with the zone's offset (China time).
const DateFormat = "2006-01-02T15:04:05-07:00"

// MaxMedia is the largest picture a client may upload as "media" with its request.
const MaxMedia = 5 << 20

func w3c(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gongzhi.ChinaTime).Format(DateFormat)
}

// apiError is an Open311 error: an HTTP status and a description.
type apiError struct {
	Code        int
	Description string
}

func (e *apiError) Error() string { return e.Description }

func fail(code int, format string, args ...any) error {
	return &apiError{Code: code, Description: fmt.Sprintf(format, args...)}
}

// split cuts "services.xml" into "services" and "xml"; an unknown format is an error.
func split(name string) (string, string, error) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return "", "", fail(400, "format missing: append .xml or .json")
	}
	base, format := name[:i], name[i+1:]
	if format != "xml" && format != "json" {
		return "", "", fail(400, "format %q not supported: xml or json", format)
	}
	return base, format, nil
}

// writeErr answers an error in the specification's format: <errors><error><code/><description/>
// </error></errors>, or [{"code":…,"description":…}].
func writeErr(w http.ResponseWriter, format string, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		switch gongzhi.ErrorCode(err) {
		case gongzhi.ENOTFOUND:
			ae = &apiError{Code: 404, Description: "not found"}
		case gongzhi.EINVALID:
			e := gongzhi.AsError(err)
			var parts []string
			for k, v := range e.Fields {
				parts = append(parts, k+": "+v)
			}
			ae = &apiError{Code: 400, Description: "invalid " + strings.Join(parts, ", ")}
		case gongzhi.ETOOMANY:
			ae = &apiError{Code: 429, Description: "too many requests"}
		case gongzhi.EFORBIDDEN, gongzhi.EUNAUTHORIZED:
			ae = &apiError{Code: 403, Description: "api_key may not create requests"}
		default:
			ae = &apiError{Code: 400, Description: "general service error"}
		}
	}
	errs := errorList{Errors: []errorItem{{Code: ae.Code, Description: ae.Description}}}
	write(w, format, ae.Code, errs, errs.Errors)
}

type errorList struct {
	XMLName xml.Name    `xml:"errors"`
	Errors  []errorItem `xml:"error"`
}

type errorItem struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

// write answers v as XML (with the declaration) or j as JSON.
func write(w http.ResponseWriter, format string, status int, v any, j any) {
	w.Header().Set("Cache-Control", "no-store")
	if format == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(j)
		return
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// ---- discovery and the service list

type discovery struct {
	XMLName   xml.Name   `xml:"discovery" json:"-"`
	Changeset string     `xml:"changeset" json:"changeset"`
	Contact   string     `xml:"contact" json:"contact"`
	KeyServ   string     `xml:"key_service" json:"key_service"`
	Endpoints []endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type service struct {
	Code        string `xml:"service_code" json:"service_code"`
	Name        string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type serviceList struct {
	XMLName  xml.Name  `xml:"services"`
	Services []service `xml:"service"`
}

// changeset is the discovery's and the endpoint's last change: the newest category's.
func (s *Server) changeset(r *http.Request) string {
	cats, err := s.svc.Categories(r.Context(), false)
	last := time.Date(2026, 12, 1, 0, 0, 0, 0, gongzhi.ChinaTime)
	if err == nil {
		for _, c := range cats {
			if c.UpdatedAt.After(last) {
				last = c.UpdatedAt
			}
		}
	}
	return w3c(last)
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/open311/v2"
}

// checkJurisdiction: jurisdiction_id is optional; given, it is a place code of this instance
// (404 otherwise).
func (s *Server) checkJurisdiction(r *http.Request, v string) error {
	if v == "" {
		return nil
	}
	if _, err := s.svc.PublicPlace(r.Context(), v); err != nil {
		return fail(404, "jurisdiction_id %s not found", v)
	}
	return nil
}

func (s *Server) top(w http.ResponseWriter, r *http.Request) error {
	base, format, err := split(r.PathValue("resource"))
	if err != nil {
		writeErr(w, "xml", err)
		return nil
	}
	switch base {
	case "discovery":
		d := discovery{Changeset: s.changeset(r), Contact: "街道网格化服务管理中心", KeyServ: "API tokens: /tokens (an account that may write)",
			Endpoints: []endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: baseURL(r), Changeset: s.changeset(r), Type: "production",
				Formats: []string{"text/xml", "application/json"}}}}
		write(w, format, 200, d, d)
	case "services":
		if err := s.checkJurisdiction(r, r.URL.Query().Get("jurisdiction_id")); err != nil {
			writeErr(w, format, err)
			return nil
		}
		cats, err := s.svc.Categories(r.Context(), true)
		if err != nil {
			return err
		}
		list := serviceList{Services: []service{}}
		for _, c := range cats {
			list.Services = append(list.Services, service{Code: c.Code, Name: c.Name, Description: c.NameEn, Metadata: true, Type: "realtime",
				Keywords: c.Name + ", " + c.NameEn, Group: c.Urgency})
		}
		write(w, format, 200, list, list.Services)
	case "requests":
		return s.requests(w, r, format)
	default:
		writeErr(w, format, fail(404, "no resource %s", base))
	}
	return nil
}

// ---- a service definition

type definition struct {
	XMLName    xml.Name    `xml:"service_definition" json:"-"`
	Code       string      `xml:"service_code" json:"service_code"`
	Attributes []attribute `xml:"attributes>attribute" json:"attributes"`
}

type attribute struct {
	Variable    bool    `xml:"variable" json:"variable"`
	Code        string  `xml:"code" json:"code"`
	Datatype    string  `xml:"datatype" json:"datatype"`
	Required    bool    `xml:"required" json:"required"`
	DatatypeDsc string  `xml:"datatype_description" json:"datatype_description"`
	Order       int     `xml:"order" json:"order"`
	Description string  `xml:"description" json:"description"`
	Values      []value `xml:"values>value" json:"values"`
}

type value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// Attribute codes of every service: the community (required) and the grid (optional).
const (
	AttrCommunity = "community"
	AttrGrid      = "grid"
	AttrTitle     = "title"
)

func (s *Server) definition(w http.ResponseWriter, r *http.Request) error {
	code, format, err := split(r.PathValue("code"))
	if err != nil {
		writeErr(w, "xml", err)
		return nil
	}
	if err := s.checkJurisdiction(r, r.URL.Query().Get("jurisdiction_id")); err != nil {
		writeErr(w, format, err)
		return nil
	}
	c, err := s.svc.Category(r.Context(), 0, code)
	if err != nil || !c.Active {
		writeErr(w, format, fail(404, "service_code %s not found", code))
		return nil
	}
	comm := attribute{Variable: true, Code: AttrCommunity, Datatype: "singlevaluelist", Required: true, Order: 1, Description: "社区 Community", Values: []value{}}
	under := r.URL.Query().Get("jurisdiction_id")
	if _, err := s.svc.PublicPlaces(r.Context(), under, gongzhi.ListOptions{Filters: map[string]string{"level": "5"}, Limit: 1000}, func(p *gongzhi.Place) error {
		comm.Values = append(comm.Values, value{Key: p.Code, Name: p.Name})
		return nil
	}); err != nil {
		return err
	}
	d := definition{Code: c.Code, Attributes: []attribute{comm,
		{Variable: true, Code: AttrTitle, Datatype: "string", Order: 2, Description: "事项 Subject (the description's first words when none)", Values: []value{}},
		{Variable: true, Code: AttrGrid, Datatype: "number", Order: 3, Description: "网格编号 Grid number (optional)", Values: []value{}},
	}}
	write(w, format, 200, d, d)
	return nil
}

// ---- service requests

type requestItem struct {
	ID         string `xml:"service_request_id" json:"service_request_id"`
	Status     string `xml:"status" json:"status"`
	Notes      string `xml:"status_notes" json:"status_notes"`
	Name       string `xml:"service_name" json:"service_name"`
	Code       string `xml:"service_code" json:"service_code"`
	Desc       string `xml:"description" json:"description"`
	Agency     string `xml:"agency_responsible" json:"agency_responsible"`
	Notice     string `xml:"service_notice" json:"service_notice"`
	Requested  string `xml:"requested_datetime" json:"requested_datetime"`
	Updated    string `xml:"updated_datetime" json:"updated_datetime"`
	Expected   string `xml:"expected_datetime" json:"expected_datetime"`
	Address    string `xml:"address" json:"address"`
	AddressID  string `xml:"address_id" json:"address_id"`
	Zipcode    string `xml:"zipcode" json:"zipcode"`
	Lat        string `xml:"lat" json:"lat"`
	Long       string `xml:"long" json:"long"`
	MediaURL   string `xml:"media_url" json:"media_url"`
	latV, lonV *float64
}

type requestList struct {
	XMLName  xml.Name      `xml:"service_requests"`
	Requests []requestItem `xml:"request"`
}

// jsonRequest is a request in JSON: lat and long as numbers (null when unknown).
type jsonRequest struct {
	ID        string   `json:"service_request_id"`
	Status    string   `json:"status"`
	Notes     string   `json:"status_notes"`
	Name      string   `json:"service_name"`
	Code      string   `json:"service_code"`
	Desc      string   `json:"description"`
	Agency    string   `json:"agency_responsible"`
	Notice    string   `json:"service_notice"`
	Requested string   `json:"requested_datetime"`
	Updated   string   `json:"updated_datetime"`
	Expected  string   `json:"expected_datetime"`
	Address   string   `json:"address"`
	AddressID string   `json:"address_id"`
	Zipcode   string   `json:"zipcode"`
	Lat       *float64 `json:"lat"`
	Long      *float64 `json:"long"`
	MediaURL  string   `json:"media_url"`
}

func jsonOf(items []requestItem) []jsonRequest {
	out := make([]jsonRequest, 0, len(items))
	for _, x := range items {
		out = append(out, jsonRequest{ID: x.ID, Status: x.Status, Notes: x.Notes, Name: x.Name, Code: x.Code, Desc: x.Desc, Agency: x.Agency,
			Notice: x.Notice, Requested: x.Requested, Updated: x.Updated, Expected: x.Expected, Address: x.Address, AddressID: x.AddressID,
			Zipcode: x.Zipcode, Lat: x.latV, Long: x.lonV, MediaURL: x.MediaURL})
	}
	return out
}

// itemOf is what Open311 shows of an event: status open or closed, the step in status_notes.
func itemOf(lang string, e *gongzhi.Event) requestItem {
	st := "open"
	if !gongzhi.EventOpen(e.State) {
		st = "closed"
	}
	notes := web.T(lang, "event.state."+e.State)
	if e.Escalation > 0 {
		notes += "; " + web.T(lang, fmt.Sprintf("event.escalation.%d", e.Escalation))
	}
	expected := e.DueAt
	if expected.IsZero() && gongzhi.EventOpen(e.State) {
		expected = e.StepDueAt
	}
	it := requestItem{ID: strconv.FormatInt(e.ID, 10), Status: st, Notes: notes, Name: e.CategoryName, Code: e.CategoryCode,
		Desc: strings.TrimSpace(e.Title + "\n" + e.Description), Agency: e.DepartmentName, Requested: w3c(e.CreatedAt),
		Updated: w3c(e.UpdatedAt), Expected: w3c(expected), Address: strings.TrimSpace(e.CommunityName + " " + e.GridName + " " + e.Address),
		MediaURL: e.MediaURL, latV: e.Lat, lonV: e.Lon}
	if e.Lat != nil && e.Lon != nil {
		it.Lat, it.Long = strconv.FormatFloat(*e.Lat, 'f', -1, 64), strconv.FormatFloat(*e.Lon, 'f', -1, 64)
	}
	return it
}

func parseW3C(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// The requests' page: its default size and its largest.
const (
	defaultPageSize = 200
	maxPageSize     = 1000
)

// requests answers GET requests: service_request_id (comma-separated; the others are then
// ignored), service_code (comma-separated), start_date and end_date (W3C; by default the last
// 90 days), status (open, closed or both). Newest first, a page at a time (docs/events.md,
// "Open311"): page_size (default defaultPageSize, at most maxPageSize) and page (from 1), the
// extension the ecosystem's clients follow.
func (s *Server) requests(w http.ResponseWriter, r *http.Request, format string) error {
	q, lang := r.URL.Query(), web.LangOf(r)
	if err := s.checkJurisdiction(r, q.Get("jurisdiction_id")); err != nil {
		writeErr(w, format, err)
		return nil
	}
	list := requestList{Requests: []requestItem{}}
	if ids := q.Get("service_request_id"); ids != "" {
		for _, x := range strings.Split(ids, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				writeErr(w, format, fail(400, "service_request_id %s is not a number", x))
				return nil
			}
			e, err := s.svc.PublicEvent(r.Context(), id)
			if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			list.Requests = append(list.Requests, itemOf(lang, e))
		}
		write(w, format, 200, list, jsonOf(list.Requests))
		return nil
	}
	f := map[string]string{}
	end := time.Now()
	if v := q.Get("end_date"); v != "" {
		t, ok := parseW3C(v)
		if !ok {
			writeErr(w, format, fail(400, "end_date %s is not a W3C date", v))
			return nil
		}
		end = t
		f["created_until"] = t.Format(time.RFC3339)
	}
	start := end.AddDate(0, 0, -90)
	if v := q.Get("start_date"); v != "" {
		t, ok := parseW3C(v)
		if !ok {
			writeErr(w, format, fail(400, "start_date %s is not a W3C date", v))
			return nil
		}
		start = t
	}
	f["created_since"] = start.Format(time.RFC3339)
	switch sts := q.Get("status"); sts {
	case "", "open,closed", "closed,open":
	case "open":
		f["state"] = "open"
	case "closed":
		f["state"] = "done"
	default:
		writeErr(w, format, fail(400, "status %s: open or closed", sts))
		return nil
	}
	if v := q.Get("service_code"); v != "" {
		f["category_code"] = v
	}
	size, page := defaultPageSize, 1
	for _, p := range []struct {
		name string
		to   *int
		most int
	}{{"page_size", &size, maxPageSize}, {"page", &page, gongzhi.MaxOffset + 1}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > p.most {
				writeErr(w, format, fail(400, "%s %s: a number from 1 to %d", p.name, v, p.most))
				return nil
			}
			*p.to = n
		}
	}
	if (page-1)*size > gongzhi.MaxOffset {
		writeErr(w, format, fail(400, "page %d: at most %d requests are skipped", page, gongzhi.MaxOffset))
		return nil
	}
	read := func(ctx context.Context) ([]requestItem, error) {
		out := []requestItem{}
		err := s.svc.PublicEventsFiltered(ctx, f, size, (page-1)*size, func(e *gongzhi.Event) error {
			out = append(out, itemOf(lang, e))
			return nil
		})
		return out, err
	}
	var items []requestItem
	var err error
	if defaultList(q) {
		// the default list, open or closed or both, is the same for every client: kept under
		// the public data's version as the public pages are (web.PublicCached; its 90 days end
		// with the clock's window); other queries' keys would be whatever clients type
		items, err = web.PublicCached(r.Context(), s.Server, "open311.requests:"+lang+":"+q.Get("status"), read)
	} else {
		items, err = read(r.Context())
	}
	if err != nil {
		return err
	}
	list.Requests = items
	write(w, format, 200, list, jsonOf(list.Requests))
	return nil
}

// defaultList reports whether a requests query asks for the default list: no parameter but
// status and the jurisdiction (checked before).
func defaultList(q url.Values) bool {
	for k := range q {
		if k != "status" && k != "jurisdiction_id" {
			return false
		}
	}
	return true
}

func (s *Server) request(w http.ResponseWriter, r *http.Request) error {
	idText, format, err := split(r.PathValue("id"))
	if err != nil {
		writeErr(w, "xml", err)
		return nil
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		writeErr(w, format, fail(404, "service_request_id %s not found", idText))
		return nil
	}
	e, err := s.svc.PublicEvent(r.Context(), id)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		writeErr(w, format, fail(404, "service_request_id %s not found", idText))
		return nil
	} else if err != nil {
		return err
	}
	list := requestList{Requests: []requestItem{itemOf(web.LangOf(r), e)}}
	write(w, format, 200, list, jsonOf(list.Requests))
	return nil
}

type tokenItem struct {
	ID    string `xml:"service_request_id" json:"service_request_id"`
	Token string `xml:"token" json:"token"`
}

type tokenList struct {
	XMLName  xml.Name    `xml:"service_requests"`
	Requests []tokenItem `xml:"request"`
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) error {
	tok, format, err := split(r.PathValue("token"))
	if err != nil {
		writeErr(w, "xml", err)
		return nil
	}
	id, err := s.svc.EventIDByToken(r.Context(), tok)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		writeErr(w, format, fail(404, "token %s not found", tok))
		return nil
	} else if err != nil {
		return err
	}
	list := tokenList{Requests: []tokenItem{{ID: strconv.FormatInt(id, 10), Token: tok}}}
	write(w, format, 200, list, list.Requests)
	return nil
}

// ---- POST a service request

type created struct {
	ID        string `xml:"service_request_id" json:"service_request_id"`
	Notice    string `xml:"service_notice" json:"service_notice"`
	AccountID string `xml:"account_id" json:"account_id"`
}

type createdList struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []created `xml:"request"`
}

// post creates a service request (an event from the Open311 source) for the API key's account:
// 403 without a valid key that may write; 400 without service_code, a location (lat and long,
// or address_string), or the community attribute; 404 for an unknown service_code or
// jurisdiction_id; 400 for a malformed lat/long, a media_url that is not http(s), or a "media"
// upload that is not a picture or larger than MaxMedia.
func (s *Server) post(w http.ResponseWriter, r *http.Request) error {
	base, format, err := split(r.PathValue("resource"))
	if err != nil {
		writeErr(w, "xml", err)
		return nil
	}
	if base != "requests" {
		writeErr(w, format, fail(404, "no resource %s", base))
		return nil
	}
	var photos []events.Photo
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(MaxMedia + 1<<16); err != nil {
			writeErr(w, format, fail(400, "media larger than %d bytes", MaxMedia))
			return nil
		}
		if fh := r.MultipartForm.File["media"]; len(fh) > 0 {
			p, err := s.storeMedia(r)
			if err != nil {
				writeErr(w, format, err)
				return nil
			}
			photos = append(photos, *p)
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			writeErr(w, format, fail(400, "request body unreadable"))
			return nil
		}
	}
	key := r.FormValue("api_key")
	if key == "" {
		writeErr(w, format, fail(403, "api_key not provided -- can't proceed with create_request."))
		return nil
	}
	ac, err := s.svc.TokenActor(r.Context(), key, web.ClientIP(r))
	if err != nil || ac == nil || !ac.ScopeAllows(http.MethodPost) {
		writeErr(w, format, fail(403, "Invalid api_key received -- can't proceed with create_request."))
		return nil
	}
	ac.Via = "open311"
	if err := s.checkJurisdiction(r, r.FormValue("jurisdiction_id")); err != nil {
		writeErr(w, format, err)
		return nil
	}
	code := r.FormValue("service_code")
	if code == "" {
		writeErr(w, format, fail(400, "service_code not provided"))
		return nil
	}
	if c, err := s.svc.Category(r.Context(), 0, code); err != nil || !c.Active {
		writeErr(w, format, fail(404, "service_code %s not found", code))
		return nil
	}
	n := gongzhi.NewEvent{Source: gongzhi.SourceOpen311, CategoryCode: code, Address: r.FormValue("address_string"),
		Description: r.FormValue("description"), MediaURL: strings.TrimSpace(r.FormValue("media_url")),
		ReporterName: strings.TrimSpace(r.FormValue("last_name") + r.FormValue("first_name")), ReporterPhone: strings.TrimSpace(r.FormValue("phone")),
		CommunityCode: r.FormValue("attribute[" + AttrCommunity + "]"), SourceRef: r.FormValue("device_id")}
	latS, lonS := strings.TrimSpace(r.FormValue("lat")), strings.TrimSpace(r.FormValue("long"))
	if latS != "" || lonS != "" {
		lat, err1 := strconv.ParseFloat(latS, 64)
		lon, err2 := strconv.ParseFloat(lonS, 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			writeErr(w, format, fail(400, "lat/long malformed: two decimal degrees (WGS84) are required"))
			return nil
		}
		n.Lat, n.Lon = &lat, &lon
	} else if n.Address == "" && r.FormValue("address_id") == "" {
		writeErr(w, format, fail(400, "location not provided: lat & long, address_string or address_id"))
		return nil
	}
	if n.Address == "" {
		n.Address = r.FormValue("address_id")
	}
	if n.CommunityCode == "" {
		if j := r.FormValue("jurisdiction_id"); j != "" {
			if p, err := s.svc.PublicPlace(r.Context(), j); err == nil && p.Level == 5 {
				n.CommunityCode = j
			}
		}
	}
	if n.CommunityCode == "" {
		writeErr(w, format, fail(400, "attribute[community] not provided (see the service definition)"))
		return nil
	}
	if g := r.FormValue("attribute[" + AttrGrid + "]"); g != "" {
		n.GridID, _ = strconv.ParseInt(g, 10, 64)
	}
	n.Title = r.FormValue("attribute[" + AttrTitle + "]")
	if n.Title == "" {
		n.Title = firstWords(n.Description, 30)
	}
	if n.Title == "" {
		n.Title = code
	}
	if n.MediaURL != "" && !strings.HasPrefix(n.MediaURL, "http://") && !strings.HasPrefix(n.MediaURL, "https://") {
		writeErr(w, format, fail(400, "media_url must be an http or https URL"))
		return nil
	}
	e, err := s.svc.ReportEvent(r.Context(), ac, n, photos)
	if err != nil {
		writeErr(w, format, err)
		return nil
	}
	lang := web.LangOf(r)
	c := created{ID: strconv.FormatInt(e.ID, 10), Notice: web.T(lang, "event.code_is:"+e.Code)}
	list := createdList{Requests: []created{c}}
	write(w, format, 201, list, []map[string]any{{"service_request_id": c.ID, "service_notice": c.Notice, "account_id": nil}})
	return nil
}

func firstWords(s string, n int) string {
	s = strings.TrimSpace(strings.SplitN(s, "\n", 2)[0])
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// storeMedia stores the uploaded "media" picture: at most MaxMedia bytes, a picture by its bytes.
func (s *Server) storeMedia(r *http.Request) (*events.Photo, error) {
	f, h, err := r.FormFile("media")
	if err != nil {
		return nil, fail(400, "media unreadable")
	}
	defer f.Close()
	if h.Size > MaxMedia {
		return nil, fail(400, "media larger than %d bytes", MaxMedia)
	}
	head := make([]byte, 512)
	k, _ := io.ReadFull(f, head)
	if ct := http.DetectContentType(head[:k]); !strings.HasPrefix(ct, "image/") {
		return nil, fail(400, "media is not a picture (%s)", ct)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	sum, size, ct, err := s.Files.Put(h.Filename, f, MaxMedia)
	if err != nil {
		return nil, fail(400, "media not taken: a JPG, PNG, GIF or WebP picture")
	}
	if !strings.HasPrefix(ct, "image/") {
		return nil, fail(400, "media is not a picture")
	}
	return &events.Photo{SHA256: sum, Name: h.Filename, ContentType: ct, Size: size}, nil
}
