// Decoding requests: the API's JSON bodies and the UI's forms go into the same structs, by the
// structs' json names, and come out with the same field-named errors.

package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gongzhi"
)

const maxJSONBody = 1 << 20

// decode fills v (a pointer to a struct) from a JSON body (API) or form values (UI).
func (s *Server) Decode(w http.ResponseWriter, r *http.Request, v any) error {
	if IsAPIPath(r) {
		return DecodeJSON(w, r, v)
	}
	if err := r.ParseForm(); err != nil {
		return gongzhi.Invalid("form", "bad_text")
	}
	if err := decodeForm(r.Form, v); err != nil {
		return err
	}
	return checkDecoded(v)
}

func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return gongzhi.Invalid("body", "err.bad_json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err == nil && !utf8.Valid(body) {
		// encoding/json would turn the bad bytes into U+FFFD without a word
		return gongzhi.Invalid(badUTF8Field(body), "bad_utf8")
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:1 MiB"}
	} else if err != nil {
		return gongzhi.Invalid("body", "err.bad_json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if dec.More() {
			return gongzhi.Invalid("body", "err.bad_json")
		}
		if _, err := dec.Token(); err != io.EOF {
			return gongzhi.Invalid("body", "err.bad_json")
		}
		return checkDecoded(v)
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:1 MiB"}
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return gongzhi.Invalid("body", "err.bad_json")
	case errors.As(err, &typ):
		name := typ.Field
		if name == "" {
			name = "body"
		}
		if typ.Type == reflect.TypeFor[gongzhi.Money]() && strings.HasPrefix(typ.Value, "money.") {
			return gongzhi.Invalid(name, typ.Value) // an amount the domain's parser refused, and why
		}
		return gongzhi.Invalid(name, "err.wrong_type:"+jsonType(typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return gongzhi.Invalid(name, "err.unknown_field")
	}
	return gongzhi.Invalid("body", "err.bad_json")
}

func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "integer"
	case reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.String()
}

// decodeForm sets struct fields from form values named by their json tags.
func decodeForm(form url.Values, v any) error {
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	f := gongzhi.FieldErrors{}
	for i := 0; i < rt.NumField(); i++ {
		sf := rt.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		vals, present := form[name]
		if !present {
			if sf.Type.Kind() == reflect.Bool {
				rv.Field(i).SetBool(false)
			}
			continue
		}
		val := ""
		if len(vals) > 0 {
			val = strings.TrimSpace(vals[0])
		}
		fv := rv.Field(i)
		switch sf.Type.Kind() {
		case reflect.String:
			fv.SetString(val)
		case reflect.Int, reflect.Int64:
			if val == "" {
				fv.SetInt(0)
				continue
			}
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				f.Add(name, "number")
				continue
			}
			fv.SetInt(n)
		case reflect.Float64:
			if val == "" {
				fv.SetFloat(0)
				continue
			}
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				f.Add(name, "number")
				continue
			}
			fv.SetFloat(x)
		case reflect.Bool:
			fv.SetBool(val == "true" || val == "on" || val == "1")
		case reflect.Slice:
			var out []string
			for _, x := range vals {
				if x = strings.TrimSpace(x); x != "" {
					out = append(out, x)
				}
			}
			fv.Set(reflect.ValueOf(out))
		}
	}
	return f.Err()
}

// listOptions reads q, sort, desc, page, per_page and the cursors after and before, and the
// allowed filters, from the query. The options carry a ListInfo for the list to fill in (the
// cursors of the pages around, whether the total is exact): set ListView.Info to it before
// PageLinks. A page deeper than gongzhi.MaxOffset rows is refused by the list (a 400 naming
// page); cursors reach any depth.
func ListOptions(r *http.Request, filters ...string) (gongzhi.ListOptions, int) {
	qv := r.URL.Query()
	opts := gongzhi.ListOptions{Q: TruncateRunes(qv.Get("q"), 100), Sort: qv.Get("sort"), Desc: qv.Get("desc") == "1", Filters: map[string]string{}}
	for _, k := range filters {
		if v := strings.TrimSpace(qv.Get(k)); v != "" {
			opts.Filters[k] = TruncateRunes(v, 100)
		}
	}
	per := 20
	if n, err := strconv.Atoi(qv.Get("per_page")); err == nil && n > 0 {
		per = min(n, 200)
	}
	page := 1
	if n, err := strconv.Atoi(qv.Get("page")); err == nil && n > 0 && n < 1_000_000 {
		page = n
	}
	opts.Limit, opts.Offset = per, (page-1)*per
	opts.After, opts.Before = TruncateRunes(qv.Get("after"), 1000), TruncateRunes(qv.Get("before"), 1000)
	if opts.After != "" || opts.Before != "" {
		opts.Offset, page = 0, 0
	}
	opts.Info = &gongzhi.ListInfo{TotalExact: true}
	return opts, page
}

func TruncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// pathID parses the {id} path value; a malformed id is simply not found.
func PathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, gongzhi.NotFound()
	}
	return id, nil
}

func FmtInt(n int64) string { return strconv.FormatInt(n, 10) }

// noBodyRoutes are the API operations the OpenAPI document describes without a request body
// (actions such as …/submit and …/withdraw, and deletions), computed once on first use, when
// every capability has added its operations.
var noBodyRoutes = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for pattern, doc := range apiDocs() {
		if doc.Req == nil && !doc.Upload {
			out[pattern] = true
		}
	}
	return out
})

func takesNoBody(pattern string) bool { return noBodyRoutes()[pattern] }

// refuseBody refuses a body sent to an operation that takes none, instead of ignoring it: a
// client that sends one expects it read. Nothing, white space, {} and null count as none.
func refuseBody(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 4097))
	if err != nil {
		return &gongzhi.Error{Code: gongzhi.EBADREQUEST, Message: "err.body_not_allowed", Fields: map[string]string{"body": "err.body_not_allowed"}}
	}
	switch string(bytes.TrimSpace(b)) {
	case "", "{}", "null":
		return nil
	}
	return &gongzhi.Error{Code: gongzhi.EBADREQUEST, Message: "err.body_not_allowed", Fields: map[string]string{"body": "err.body_not_allowed"}}
}

// checkDecoded refuses, field by field, what no typed text holds, in every string of a decoded
// request (nested structs and lists too): invalid UTF-8, control characters other than newline,
// carriage return and tab, and bidirectional overrides and isolates (gongzhi.TextReason); and
// times outside gongzhi.MinYear–MaxYear. Whether a field is one line (no newline either) is the
// domain's to say, where it checks the field (gongzhi.CheckText). Passwords are the accounts
// service's to judge and are left alone.
func checkDecoded(v any) error {
	f := gongzhi.FieldErrors{}
	checkValue(reflect.ValueOf(v), "body", f)
	return f.Err()
}

func checkValue(v reflect.Value, name string, f gongzhi.FieldErrors) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkValue(v.Elem(), name, f)
		}
	case reflect.String:
		if strings.Contains(name, "password") {
			return
		}
		if r := gongzhi.TextReason(v.String(), true); r != "" {
			f.Add(name, r)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes, not text
		}
		for i := 0; i < v.Len(); i++ {
			checkValue(v.Index(i), name, f)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			checkValue(it.Key(), name, f)
			checkValue(it.Value(), name, f)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if t := v.Interface().(time.Time); !t.IsZero() && !gongzhi.SaneYear(t) {
				f.Add(name, "date_range")
			}
			return
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			n, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			switch {
			case n == "-":
				continue
			case n == "" && sf.Anonymous:
				n = name // an embedded struct's fields are the outer struct's
			case n == "":
				n = sf.Name
			}
			checkValue(v.Field(i), n, f)
		}
	}
}

// badUTF8Field names the JSON member whose value holds the first invalid UTF-8 byte of body
// ("body" when it cannot tell): the last object key read before that byte.
func badUTF8Field(body []byte) string {
	at := 0
	for at < len(body) {
		r, n := utf8.DecodeRune(body[at:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		at += n
	}
	name := "body"
	dec := json.NewDecoder(bytes.NewReader(body[:at]))
	type frame struct{ obj, wantKey bool }
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return name
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.obj {
					top.wantKey = true // after this value, the parent's next key
				}
				stack = append(stack, &frame{obj: t == '{', wantKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.obj && top.wantKey {
				name, top.wantKey = t, false
				continue
			}
			if top != nil && top.obj {
				top.wantKey = true
			}
		default:
			if top != nil && top.obj {
				top.wantKey = true
			}
		}
	}
}
