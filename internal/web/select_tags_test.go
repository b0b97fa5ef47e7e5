package web

// A select's options written at once (Field.OptionTags, Field.FilterTags) are what the template
// wrote option by option: each value and label escaped, the chosen ones marked selected.

import (
	"bytes"
	"html"
	"html/template"
	"testing"
)

func TestOptionTags(t *testing.T) {
	opts := []Option{{"", "—"}, {"a\"b", "<b>&'x"}, {"330903", "普陀区 (330903)"}, {"x", "x"}}
	old := template.Must(template.New("old").Parse(
		`{{$f := .}}{{range .Options}}<option value="{{.Value}}"{{if $f.Has .Value}} selected{{end}}>{{.Label}}</option>{{end}}|` +
			`{{$f := .}}{{range .Options}}<option value="{{.Value}}"{{if eq $f.Value .Value}} selected{{end}}>{{.Label}}</option>{{end}}`))
	now := template.Must(template.New("now").Parse(`{{.OptionTags}}|{{.FilterTags}}`))
	for _, f := range []Field{{Options: opts, Value: "330903"}, {Options: opts, Values: []string{"x", "a\"b"}}, {Options: opts}} {
		var a, b bytes.Buffer
		if err := old.Execute(&a, f); err != nil {
			t.Fatal(err)
		}
		if err := now.Execute(&b, f); err != nil {
			t.Fatal(err)
		}
		// both escape each character the markup needs, some with references of another
		// spelling (&#34; or &quot;): compare what a browser reads
		if html.UnescapeString(a.String()) != html.UnescapeString(b.String()) {
			t.Errorf("%+v:\n template %s\n at once  %s", f, a.String(), b.String())
		}
		if bytes.Contains(b.Bytes(), []byte(`"a"b"`)) || bytes.Contains(b.Bytes(), []byte("<b>")) {
			t.Errorf("not escaped: %s", b.String())
		}
	}
}
