// The kit's messages for notes (notes.go): the notes any record may carry and the formats of
// their arguments. Each capability keeps the messages of its own note codes beside its pages.
package web

func init() { AddMessages(noteMessages) }

var noteMessages = map[string][2]string{
	"note.text":   {"%s", "%s"},
	"note.legacy": {"%s", "%s"},

	// arguments: money as yuan; a month as "2026年12月" / "December 2026" (%[1]s the year,
	// %[2]s the month's number, %[3]s its name)
	"note.yuan":          {"%s 元", "¥%s"},
	"note.month_of":      {"%[1]s年%[2]s月", "%[3]s %[1]s"},
	"note.month_name.1":  {"一月", "January"},
	"note.month_name.2":  {"二月", "February"},
	"note.month_name.3":  {"三月", "March"},
	"note.month_name.4":  {"四月", "April"},
	"note.month_name.5":  {"五月", "May"},
	"note.month_name.6":  {"六月", "June"},
	"note.month_name.7":  {"七月", "July"},
	"note.month_name.8":  {"八月", "August"},
	"note.month_name.9":  {"九月", "September"},
	"note.month_name.10": {"十月", "October"},
	"note.month_name.11": {"十一月", "November"},
	"note.month_name.12": {"十二月", "December"},
}
