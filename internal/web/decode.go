// Decoding requests: the API's JSON bodies and the UI's forms go into the same structs, by the
// structs' json names, and come out with the same field-named errors.

package web

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

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
	return decodeForm(r.Form, v)
}

func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return gongzhi.Invalid("body", "err.bad_json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return gongzhi.Invalid("body", "err.bad_json")
		}
		if _, err := dec.Token(); err != io.EOF {
			return gongzhi.Invalid("body", "err.bad_json")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
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

// listOptions reads q, sort, desc, page and per_page, and the allowed filters, from the query.
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
