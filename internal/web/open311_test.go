// The Open311 GeoReport v2 server (docs/events.md, "Open311") against the specification's
// example responses and an existing client's fixtures (testdata/open311, README there): every
// method in XML and JSON has the element names of the examples and no others, W3C dates, and the
// specification's error format for a bad key, an unknown service code, a malformed lat/long and
// media that is not a picture or too large.

package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gongzhi/internal/events/open311"
	"gongzhi/internal/store/storetest/demodb"
)

// xmlPaths is the set of element paths of an XML document ("service_requests/request/lat").
func xmlPaths(t *testing.T, doc []byte) map[string]bool {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	out := map[string]bool{}
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("XML: %v\n%s", err, doc)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			out[strings.Join(stack, "/")] = true
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	return out
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/open311/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// samePaths fails unless got has exactly the element paths of the fixture.
func samePaths(t *testing.T, what string, got []byte, fixtureName string) {
	t.Helper()
	want, have := xmlPaths(t, fixture(t, fixtureName)), xmlPaths(t, got)
	if !slices.Equal(keys(want), keys(have)) {
		t.Errorf("%s: elements %v, want those of %s: %v\n%s", what, keys(have), fixtureName, keys(want), got)
	}
}

// jsonKeys fails unless every object of a JSON array has exactly the child elements of the
// fixture's first record (the Spark convention: the XML's children become keys).
func jsonKeys(t *testing.T, what string, got []byte, fixtureName, record string) {
	t.Helper()
	var want []string
	for p := range xmlPaths(t, fixture(t, fixtureName)) {
		if rest, ok := strings.CutPrefix(p, record+"/"); ok && !strings.Contains(rest, "/") {
			want = append(want, rest)
		}
	}
	sort.Strings(want)
	var items []map[string]any
	if err := json.Unmarshal(got, &items); err != nil || len(items) == 0 {
		t.Fatalf("%s: not a JSON array of records: %v\n%s", what, err, got)
	}
	for _, it := range items {
		var have []string
		for k := range it {
			have = append(have, k)
		}
		sort.Strings(have)
		if !slices.Equal(have, want) {
			t.Errorf("%s: keys %v, want %v", what, have, want)
		}
	}
}

var w3cRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`)

func get311(t *testing.T, base, path string, want int) []byte {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d\n%s", path, res.StatusCode, want, b)
	}
	ct := res.Header.Get("Content-Type")
	if strings.HasSuffix(strings.SplitN(path, "?", 2)[0], ".xml") && ct != "text/xml; charset=utf-8" || strings.HasSuffix(strings.SplitN(path, "?", 2)[0], ".json") && ct != "application/json; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	return b
}

func post311(t *testing.T, base, path string, form url.Values, want int) []byte {
	t.Helper()
	res, err := http.PostForm(base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d\n%s", path, res.StatusCode, want, b)
	}
	return b
}

// clientRequests is how a client reads service requests: the element names of the fixtures.
type clientRequests struct {
	Requests []struct {
		ID        string `xml:"service_request_id"`
		Status    string `xml:"status"`
		Notes     string `xml:"status_notes"`
		Code      string `xml:"service_code"`
		Requested string `xml:"requested_datetime"`
		Updated   string `xml:"updated_datetime"`
		Lat       string `xml:"lat"`
		Long      string `xml:"long"`
		Token     string `xml:"token"`
	} `xml:"request"`
}

func TestOpen311(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	base := e.srv.URL + "/open311/v2"
	key := e.token("zs-resident")

	// the fixtures themselves read as a client reads them
	var fx clientRequests
	if err := xml.Unmarshal(fixture(t, "client_service_requests.xml"), &fx); err != nil || len(fx.Requests) != 2 || fx.Requests[0].Status != "closed" {
		t.Fatalf("client fixture: %v %+v", err, fx)
	}

	// discovery, services, a service definition
	d := get311(t, base, "/discovery.xml", 200)
	for _, p := range []string{"discovery/changeset", "discovery/contact", "discovery/endpoints/endpoint/specification", "discovery/endpoints/endpoint/url",
		"discovery/endpoints/endpoint/type", "discovery/endpoints/endpoint/formats/format"} {
		if !xmlPaths(t, d)[p] {
			t.Errorf("discovery lacks %s:\n%s", p, d)
		}
	}
	get311(t, base, "/discovery.json", 200)
	samePaths(t, "services.xml", get311(t, base, "/services.xml", 200), "spec_services.xml")
	jsonKeys(t, "services.json", get311(t, base, "/services.json", 200), "spec_services.xml", "services/service")
	def := get311(t, base, "/services/sanitation.xml", 200)
	samePaths(t, "services/sanitation.xml", def, "spec_service_definition.xml")
	var dj map[string]any
	if err := json.Unmarshal(get311(t, base, "/services/sanitation.json", 200), &dj); err != nil || dj["service_code"] != "sanitation" || dj["attributes"] == nil {
		t.Fatalf("service definition JSON: %v %v", err, dj)
	}
	get311(t, base, "/services/nosuch.xml", 404)
	get311(t, base, "/services.xml?jurisdiction_id=999999999999", 404)

	// POST a request: the client's fixture's elements, then GET it back every way
	form := url.Values{"api_key": {key}, "jurisdiction_id": {"320116004000"}, "service_code": {"sanitation"}, "lat": {"32.3101"}, "long": {"118.8452"},
		"address_string": {"中山社区 3 幢北侧"}, "description": {"垃圾桶满溢\n已经两天没有清运"}, "first_name": {"凤兰"}, "last_name": {"王"},
		"phone": {"13812345678"}, "media_url": {"https://example.org/photo.jpg"}, "attribute[community]": {"320116004001"}}
	created := post311(t, base, "/requests.xml", form, 201)
	samePaths(t, "POST requests.xml", created, "client_post_service_request.xml")
	var cr clientRequests
	if err := xml.Unmarshal(created, &cr); err != nil || len(cr.Requests) != 1 || cr.Requests[0].ID == "" {
		t.Fatalf("POST answer: %v\n%s", err, created)
	}
	id := cr.Requests[0].ID
	var cj []map[string]any
	if err := json.Unmarshal(post311(t, base, "/requests.json", form, 201), &cj); err != nil || len(cj) != 1 || cj[0]["service_request_id"] == nil {
		t.Fatalf("POST JSON: %v %v", err, cj)
	}

	one := get311(t, base, "/requests/"+id+".xml", 200)
	samePaths(t, "requests/ID.xml", one, "client_service_requests.xml")
	var got clientRequests
	if err := xml.Unmarshal(one, &got); err != nil || len(got.Requests) != 1 {
		t.Fatal(err)
	}
	r := got.Requests[0]
	if r.ID != id || r.Status != "open" || r.Code != "sanitation" || r.Lat != "32.3101" || r.Long != "118.8452" || !strings.Contains(r.Notes, "待立案") {
		t.Errorf("request read back: %+v", r)
	}
	if !w3cRe.MatchString(r.Requested) || !w3cRe.MatchString(r.Updated) || !w3cRe.MatchString(fx.Requests[0].Requested) {
		t.Errorf("dates not W3C: %q %q", r.Requested, r.Updated)
	}
	jsonKeys(t, "requests/ID.json", get311(t, base, "/requests/"+id+".json", 200), "client_service_requests.xml", "service_requests/request")
	get311(t, base, "/requests/99999999.xml", 404)

	list := get311(t, base, "/requests.xml?status=open&service_code=sanitation", 200)
	samePaths(t, "requests.xml", list, "client_service_requests.xml")
	var all clientRequests
	xml.Unmarshal(list, &all)
	found := false
	for _, x := range all.Requests {
		found = found || x.ID == id
		if x.Status != "open" || x.Code != "sanitation" {
			t.Errorf("filtered list holds %+v", x)
		}
	}
	if !found {
		t.Errorf("the new request is not listed")
	}
	var closed clientRequests
	xml.Unmarshal(get311(t, base, "/requests.xml?status=closed", 200), &closed)
	for _, x := range closed.Requests {
		if x.Status != "closed" || x.ID == id {
			t.Errorf("closed list holds %+v", x)
		}
	}
	var byID clientRequests
	xml.Unmarshal(get311(t, base, "/requests.xml?service_request_id="+id+",99999999", 200), &byID)
	if len(byID.Requests) != 1 || byID.Requests[0].ID != id {
		t.Errorf("by id: %+v", byID)
	}
	jsonKeys(t, "requests.json", get311(t, base, "/requests.json?start_date=2020-01-01T00:00:00Z", 200), "client_service_requests.xml", "service_requests/request")

	// a page at a time: pages of two, newest first, together the whole list; service codes
	// chosen in the database (all of a code's requests, not those among the newest page)
	var everything clientRequests
	xml.Unmarshal(get311(t, base, "/requests.xml?start_date=2020-01-01T00:00:00Z&page_size=1000", 200), &everything)
	if len(everything.Requests) < 3 {
		t.Fatalf("only %d requests", len(everything.Requests))
	}
	var paged []string
	for page := 1; ; page++ {
		var one clientRequests
		xml.Unmarshal(get311(t, base, fmt.Sprintf("/requests.xml?start_date=2020-01-01T00:00:00Z&page_size=2&page=%d", page), 200), &one)
		if len(one.Requests) > 2 {
			t.Fatalf("page %d holds %d requests", page, len(one.Requests))
		}
		if len(one.Requests) == 0 {
			break
		}
		for _, x := range one.Requests {
			paged = append(paged, x.ID)
		}
	}
	var whole []string
	codes := map[string]bool{}
	for _, x := range everything.Requests {
		whole = append(whole, x.ID)
		codes[x.Code] = true
	}
	if !slices.Equal(paged, whole) {
		t.Errorf("pages of two give %v, the whole list %v", paged, whole)
	}
	var first, second string
	for c := range codes {
		if first == "" {
			first = c
		} else if second == "" && c != first {
			second = c
		}
	}
	if second == "" {
		t.Fatalf("the requests are all of one service: %v", codes)
	}
	var two clientRequests
	xml.Unmarshal(get311(t, base, "/requests.xml?start_date=2020-01-01T00:00:00Z&page_size=1000&service_code="+first+","+second, 200), &two)
	want := 0
	for _, x := range everything.Requests {
		if x.Code == first || x.Code == second {
			want++
		}
	}
	if len(two.Requests) != want {
		t.Errorf("service codes %s,%s: %d requests, want %d", first, second, len(two.Requests), want)
	}
	for _, q := range []string{"page_size=0", "page_size=1001", "page=0", "page=x", "page_size=1000&page=4"} {
		get311(t, base, "/requests.xml?"+q, 400)
	}
	get311(t, base, "/requests.xml?start_date=yesterday", 400)

	// the token (the tracking code) gives the id
	ev, err := e.app.PublicEvent(t.Context(), mustInt(t, id))
	if err != nil {
		t.Fatal(err)
	}
	var code string
	if err := e.app.DB.Q().QueryRow(t.Context(), `SELECT code FROM events WHERE id = ?`, ev.ID).Scan(&code); err != nil {
		t.Fatal(err)
	}
	tok := get311(t, base, "/tokens/"+code+".xml", 200)
	samePaths(t, "tokens/T.xml", tok, "client_request_id_from_token.xml")
	var tk clientRequests
	if xml.Unmarshal(tok, &tk); len(tk.Requests) != 1 || tk.Requests[0].ID != id || tk.Requests[0].Token != code {
		t.Errorf("token: %s", tok)
	}
	get311(t, base, "/tokens/NOSUCHCODE.json", 404)

	// errors, in the specification's format, and nothing written
	var before int
	e.app.DB.Q().QueryRow(t.Context(), `SELECT COUNT(*) FROM events`).Scan(&before)
	bad := func(name string, f url.Values, status int) {
		t.Helper()
		b := post311(t, base, "/requests.xml", f, status)
		samePaths(t, name, b, "spec_errors.xml")
		var errs struct {
			Errors []struct {
				Code        int    `xml:"code"`
				Description string `xml:"description"`
			} `xml:"error"`
		}
		if err := xml.Unmarshal(b, &errs); err != nil || len(errs.Errors) != 1 || errs.Errors[0].Code != status || errs.Errors[0].Description == "" {
			t.Errorf("%s: %s", name, b)
		}
		j := post311(t, base, "/requests.json", f, status)
		var je []map[string]any
		if err := json.Unmarshal(j, &je); err != nil || len(je) != 1 || je[0]["code"] != float64(status) || je[0]["description"] == "" {
			t.Errorf("%s JSON: %s", name, j)
		}
	}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range form {
			f[kk] = vv
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	bad("no api_key", with("api_key", ""), 403)
	bad("bad api_key", with("api_key", "gz_nosuchtoken"), 403)
	bad("unknown service_code", with("service_code", "potholes"), 404)
	bad("no service_code", with("service_code", ""), 400)
	bad("malformed lat", with("lat", "32.3.1"), 400)
	bad("lat out of range", with("lat", "123"), 400)
	bad("unknown jurisdiction", with("jurisdiction_id", "999999999999"), 404)
	bad("media_url not http", with("media_url", "javascript:alert(1)"), 400)

	// media uploaded with the request: a picture only, not too large
	upload := func(name string, content []byte) int {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range form {
			mw.WriteField(k, v[0])
		}
		fw, _ := mw.CreateFormFile("media", name)
		fw.Write(content)
		mw.Close()
		res, err := http.Post(base+"/requests.xml", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 400 {
			samePaths(t, "media "+name, b, "spec_errors.xml")
		}
		return res.StatusCode
	}
	if s := upload("notes.txt", []byte("just text, not a picture")); s != 400 {
		t.Errorf("non-image media: %d", s)
	}
	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, open311.MaxMedia+1)...)
	if s := upload("huge.png", big); s != 400 {
		t.Errorf("oversized media: %d", s)
	}
	var after int
	e.app.DB.Q().QueryRow(t.Context(), `SELECT COUNT(*) FROM events`).Scan(&after)
	if after != before {
		t.Errorf("refused requests wrote %d events", after-before)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}
