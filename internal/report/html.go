package report

import (
	"html/template"
	"io"
	"strings"

	"github.com/clausewatch/clausewatch/internal/diff"
	"github.com/clausewatch/clausewatch/internal/terms"
	"github.com/clausewatch/clausewatch/internal/textesc"
)

// htmlFuncs serve the HTML report and the Atom entries. html/template
// escapes every value for its context; the functions that return page text
// also replace its control characters (textesc.Terminal), as textesc.HTML
// does where a template does not escape.
var htmlFuncs = template.FuncMap{
	"upper":      func(s terms.Severity) string { return strings.ToUpper(string(s)) },
	"day":        day,
	"clause":     func(e terms.Event) string { return textesc.Terminal(clause(e)) },
	"headline":   func(e terms.Event, o Options) string { return textesc.Terminal(Headline(e, o)) },
	"term":       textesc.Terminal,
	"url":        func(o Options, id string) string { return o.url(id) },
	"wording":    WordingHTML,
	"showDetail": func(e terms.Event) bool { return e.Detail != "" && e.Old == nil && e.New == nil },
}

// WordingHTML is an event's sentence as HTML: the word diff from its
// before to its after text (deletions in <del>, insertions in <ins>), or
// the one text it has. All page text is escaped.
func WordingHTML(e terms.Event) template.HTML {
	bt, at := sides(e)
	switch {
	case bt != "" && at != "" && bt != at:
		// RenderSegmentsHTML escapes every piece of page text.
		return template.HTML(diff.RenderSegmentsHTML(diff.Words(bt, at)))
	case at != "":
		return template.HTML(textesc.HTML(at))
	}
	return template.HTML(textesc.HTML(bt))
}

const htmlReport = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>clausewatch report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#222}
h2.critical{color:#b00020}h2.high{color:#c25400}h2.medium{color:#6a5d00}h2.low{color:#555}
.event{border-left:4px solid #ccc;padding:.2em .8em;margin:1em 0}
.event.critical{border-color:#b00020}.event.high{border-color:#c25400}
del{background:#fdd;color:#900}ins{background:#dfd;color:#060;text-decoration:none}
.meta{color:#555;font-size:.9em}
</style></head><body>
<h1>clausewatch: {{len .Main}} change{{if ne (len .Main) 1}}s{{end}}</h1>
{{$o := .Opts}}{{$cur := ""}}
{{range .Main}}{{if ne (print .Severity) $cur}}{{$cur = print .Severity}}<h2 class="{{.Severity}}">{{upper .Severity}}</h2>{{end}}
<div class="event {{.Severity}}">
<h3>{{headline . $o}} <small>({{.Kind}})</small></h3>
<p class="meta">{{.ID}} · source {{with url $o .Source}}<a href="{{.}}">{{end}}{{.Source}}{{with url $o .Source}}</a>{{end}} · page of {{day .SnapshotAt}} · detected {{day .DetectedAt}}</p>
{{with clause .}}<p class="meta">clause: {{.}}</p>{{end}}
<p>{{wording .}}</p>
{{if showDetail .}}<p class="meta">{{term .Detail}}</p>{{end}}
</div>
{{else}}<p>No changes of severity low or above.</p>{{end}}
{{if .Digest}}<h2>Digest ({{len .Digest}} informational)</h2><ul>
{{range .Digest}}<li>{{.ID}} {{.Kind}} {{headline . $o}} ({{day .SnapshotAt}})</li>
{{end}}</ul>{{end}}
</body></html>
`

// HTML writes the report as a standalone HTML page; all page text is escaped.
func HTML(w io.Writer, evs []terms.Event, o Options) error {
	main, digest := Split(evs)
	Sort(main)
	main = Fold(main)
	t := template.Must(template.New("report").Funcs(htmlFuncs).Parse(htmlReport))
	return t.Execute(w, struct {
		Main, Digest []terms.Event
		Opts         Options
	}{main, digest, o})
}
