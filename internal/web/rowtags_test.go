package web

import (
	"html/template"
	"strings"
	"testing"
)

// TestRowTagsAsTemplate: the rows RowTags writes are byte for byte what the template it replaced
// wrote, for text, classes and links that need escaping, Chinese in a query, escapes already made
// and links of a refused scheme.
func TestRowTagsAsTemplate(t *testing.T) {
	tpl := template.Must(template.New("rows").Parse(`{{$cols := .Cols}}{{range .Rows}}<tr>{{range $i, $c := .}}<td data-label="{{index $cols $i}}"` +
		`{{with $c.Class}} class="{{.}}"{{end}}>{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{else}}{{$c.Text}}{{end}}</td>{{end}}</tr>` + "\n{{end}}"))
	cols := []string{`名称 "甲"`, "a&b", "c+d", "<e>"}
	rows := [][]Cell{
		{{Text: `张三 <b>&"'+`}, {Text: "1", Class: "num"}, {Text: "x", Href: "/people?q=张&place=330902"}, {Text: "y", Href: "/a b?x='1'&y=%E5+z#frag"}},
		{{Text: "js", Href: "javascript:alert(1)"}, {Text: "ok", Href: "https://example.org/x?y=1"}, {Text: "mail", Href: "mailto:a@b.c"}, {Text: "", Class: `w"x`}},
		{{Text: "rel", Href: "events/1"}, {Text: "data", Href: "DATA:text/html,x"}, {Text: "colon later", Href: "/x?t=a:b"}},
	}
	var want strings.Builder
	if err := tpl.Execute(&want, map[string]any{"Cols": cols, "Rows": rows}); err != nil {
		t.Fatal(err)
	}
	if got := string(RowTags(cols, rows)); got != want.String() {
		t.Errorf("RowTags:\n%s\ntemplate:\n%s", got, want.String())
	}
	lc := []ListCol{{Label: cols[0]}, {Label: cols[1]}, {Label: cols[2]}, {Label: cols[3]}}
	if got := string(RowTags(lc, rows)); got != want.String() {
		t.Errorf("RowTags with list columns:\n%s\ntemplate:\n%s", got, want.String())
	}
}
