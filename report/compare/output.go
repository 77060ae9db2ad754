package compare

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/report/table"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"strconv"
)

// Files of a comparison's output folder.
const (
	CSVFile  = "compare.csv"
	HTMLFile = "compare.html"
)

// Header is compare.csv's header around the λ and axis columns: Head,
// then lambda.<term> per term and axis.<field> per axis, then Tail.
var (
	Head = []string{"metric"}
	Tail = []string{"a_n", "a_mean", "a_ci_low", "a_ci_high", "b_n", "b_mean", "b_ci_low", "b_ci_high",
		"diff", "test", "pairs", "d_mean", "d_ci_low", "d_ci_high", "t", "df", "p", "p_holm", "note"}
)

// num formats a value of compare.csv: 10 significant digits as
// summary.csv, "" for NaN.
func num(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 10, 64)
}

// WriteCSV writes compare.csv: one row per compared metric and common
// point.
func (c *Comparison) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	h := append([]string{}, Head...)
	for _, t := range c.Terms {
		h = append(h, table.LambdaPrefix+t)
	}
	for _, a := range c.Axes {
		h = append(h, table.AxisPrefix+a)
	}
	if err := cw.Write(append(h, Tail...)); err != nil {
		return err
	}
	for _, r := range c.Rows {
		rec := []string{r.Metric}
		for _, l := range r.Lambdas {
			rec = append(rec, strconv.FormatFloat(l, 'g', -1, 64))
		}
		rec = append(rec, r.Axes...)
		rec = append(rec, strconv.Itoa(r.A.N), num(r.A.Mean), num(r.A.CILow), num(r.A.CIHigh),
			strconv.Itoa(r.B.N), num(r.B.Mean), num(r.B.CILow), num(r.B.CIHigh),
			num(r.Diff), r.Test, strconv.Itoa(r.Pairs), num(r.DMean), num(r.DLow), num(r.DHigh),
			num(r.T), num(r.DF), num(r.P), num(r.PHolm), r.Note)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Write writes compare.csv, the figures and compare.html (the figures
// embedded) into dir, which exists, and returns the paths written;
// cancelled (ctx) while drawing, it writes nothing.
func (c *Comparison) Write(ctx context.Context, dir string) ([]string, error) {
	figs, err := c.Figures(ctx)
	if err != nil {
		return nil, err
	}
	files := []string{filepath.Join(dir, CSVFile)}
	if err := atomicfile.Write(files[0], c.WriteCSV); err != nil {
		return nil, err
	}
	for _, f := range figs {
		p := filepath.Join(dir, f.Name)
		if err := atomicfile.WriteBytes(p, f.PNG); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	p := filepath.Join(dir, HTMLFile)
	if err := atomicfile.Write(p, func(w io.Writer) error { return c.WriteHTML(w, figs) }); err != nil {
		return nil, err
	}
	return append(files, p), nil
}

// jsonNum is a float for JSON: null for NaN or ±Inf.
func jsonNum(v float64) *float64 {
	if !isFinite(v) {
		return nil
	}
	return &v
}

// jsonEst, jsonRow and jsonBalance are the JSON forms of an Estimate, a
// Row and a BalanceRow: undefined values are null.
type jsonEst struct {
	N      int      `json:"n"`
	Mean   *float64 `json:"mean"`
	CILow  *float64 `json:"ci_low"`
	CIHigh *float64 `json:"ci_high"`
}

type jsonRow struct {
	Metric  string             `json:"metric"`
	Lambdas map[string]float64 `json:"lambda"`
	Axes    map[string]string  `json:"axes,omitempty"`
	A       jsonEst            `json:"a"`
	B       jsonEst            `json:"b"`
	Diff    *float64           `json:"diff"`
	Test    string             `json:"test"`
	Pairs   int                `json:"pairs"`
	DMean   *float64           `json:"d_mean"`
	DLow    *float64           `json:"d_ci_low"`
	DHigh   *float64           `json:"d_ci_high"`
	T       *float64           `json:"t"`
	DF      *float64           `json:"df"`
	P       *float64           `json:"p"`
	PHolm   *float64           `json:"p_holm"`
	Note    string             `json:"note,omitempty"`
}

type jsonBalance struct {
	Term  string   `json:"term"`
	Fixed string   `json:"fixed,omitempty"`
	Tag   string   `json:"axes,omitempty"`
	Point string   `json:"point"`
	A     *float64 `json:"a"`
	B     *float64 `json:"b"`
	NoteA string   `json:"note_a,omitempty"`
	NoteB string   `json:"note_b,omitempty"`
}

func jsonEstOf(e Estimate) jsonEst {
	return jsonEst{e.N, jsonNum(e.Mean), jsonNum(e.CILow), jsonNum(e.CIHigh)}
}

// jsonRowOf is r in JSON form, its λ and axes keyed by name.
func (c *Comparison) jsonRowOf(r Row) jsonRow {
	jr := jsonRow{Metric: r.Metric, Lambdas: map[string]float64{}, Test: r.Test, Pairs: r.Pairs, Note: r.Note,
		A: jsonEstOf(r.A), B: jsonEstOf(r.B), Diff: jsonNum(r.Diff), DMean: jsonNum(r.DMean), DLow: jsonNum(r.DLow),
		DHigh: jsonNum(r.DHigh), T: jsonNum(r.T), DF: jsonNum(r.DF), P: jsonNum(r.P), PHolm: jsonNum(r.PHolm)}
	for i, t := range c.Terms {
		jr.Lambdas[t] = r.Lambdas[i]
	}
	if len(c.Axes) > 0 {
		jr.Axes = map[string]string{}
		for i, a := range c.Axes {
			jr.Axes[a] = r.Axes[i]
		}
	}
	return jr
}

// MarshalJSON encodes the comparison for `lossexp compare --json`.
func (c *Comparison) MarshalJSON() ([]byte, error) {
	doc := struct {
		Studies [2]Side       `json:"studies"`
		Task    string        `json:"task_metric,omitempty"`
		Terms   []string      `json:"terms"`
		Metrics []string      `json:"metrics"`
		Balance []jsonBalance `json:"balance"`
		Rows    []jsonRow     `json:"rows"`
		LeftOut LeftOut       `json:"left_out"`
		Notes   []string      `json:"notes,omitempty"`
	}{Studies: [2]Side{c.A, c.B}, Task: c.Task, Terms: c.Terms, Metrics: c.Metrics, LeftOut: c.LeftOut, Notes: c.Notes,
		Balance: []jsonBalance{}, Rows: []jsonRow{}}
	for _, b := range c.Balance {
		doc.Balance = append(doc.Balance, jsonBalance{b.Term, b.Fixed, b.Tag, b.Point, jsonNum(b.A), jsonNum(b.B), b.NoteA, b.NoteB})
	}
	for _, r := range c.Rows {
		doc.Rows = append(doc.Rows, c.jsonRowOf(r))
	}
	return json.Marshal(doc)
}

// htmlPage is compare.html: one page, the figures embedded, no script.
var htmlPage = template.Must(template.New("compare").Funcs(template.FuncMap{
	"lam": func(v float64) string {
		if math.IsNaN(v) {
			return "none"
		}
		return table.FormatLambda(v)
	},
	"num": func(v float64) string {
		if math.IsNaN(v) {
			return "–"
		}
		return strconv.FormatFloat(v, 'g', 4, 64)
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>lossexp compare: {{.C.A.Title}} vs {{.C.B.Title}}</title>
<style>body{font-family:sans-serif;max-width:70em;margin:1em auto;padding:0 1em}table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}td.l{text-align:left}img{max-width:100%}</style>
</head><body>
<h1>{{.C.A.Title}} vs {{.C.B.Title}}</h1>
<p>A = {{.C.A.Title}}: <code>{{.C.A.Dir}}</code> ({{.C.A.Stored}} runs{{if .C.A.Planned}} of {{.C.A.Planned}}{{end}}); B = {{.C.B.Title}}: <code>{{.C.B.Dir}}</code> ({{.C.B.Stored}} runs{{if .C.B.Planned}} of {{.C.B.Planned}}{{end}}). Differences are B − A.</p>
{{range .C.Notes}}<p><b>Note:</b> {{.}}</p>{{end}}
{{with .C.LeftOut}}{{if .PointsA}}<p>Grid points only in A (left out): {{range $i, $p := .PointsA}}{{if $i}}; {{end}}{{$p}}{{end}}</p>{{end}}
{{if .PointsB}}<p>Grid points only in B (left out): {{range $i, $p := .PointsB}}{{if $i}}; {{end}}{{$p}}{{end}}</p>{{end}}
{{if .MetricsA}}<p>Metrics only in A (left out): {{range $i, $p := .MetricsA}}{{if $i}}, {{end}}{{$p}}{{end}}</p>{{end}}
{{if .MetricsB}}<p>Metrics only in B (left out): {{range $i, $p := .MetricsB}}{{if $i}}, {{end}}{{$p}}{{end}}</p>{{end}}
{{if .NoValues}}<p>Metrics without values at the common points in one study (left out): {{range $i, $p := .NoValues}}{{if $i}}, {{end}}{{$p}}{{end}}</p>{{end}}{{end}}
<h2>Balance points{{if .C.Task}} (chosen on {{.C.Task}}){{end}}</h2>
<table><tr><th>term</th><th>point</th><th>A: {{.C.A.Title}}</th><th>B: {{.C.B.Title}}</th><th>notes</th></tr>
{{range .C.Balance}}<tr><td class="l">{{.Term}}{{if .Fixed}} ({{.Fixed}}){{end}}{{if .Tag}} [{{.Tag}}]{{end}}</td><td class="l">{{.Point}}</td><td>{{lam .A}}</td><td>{{lam .B}}</td><td class="l">{{if .NoteA}}A: {{.NoteA}} {{end}}{{if .NoteB}}B: {{.NoteB}}{{end}}</td></tr>
{{end}}</table>
<h2>Figures</h2>
{{range .Figs}}<figure><img src="{{index $.Img .Name}}" alt="{{.Caption}}"><figcaption>{{.Name}}: {{.Caption}}</figcaption></figure>
{{end}}
<h2>Per metric and λ</h2>
<p>Means with 95% CIs; <i>d</i>: the tested difference B − A (paired: mean of the pairs' differences; Welch: the difference of the means) with its 95% CI; <i>p</i> two-sided, <i>p</i><sub>Holm</sub> adjusted over the λ of the metric.</p>
<table><tr><th>metric</th><th>point</th><th>A mean [95% CI] (n)</th><th>B mean [95% CI] (n)</th><th>B − A</th><th>test</th><th>pairs</th><th>d [95% CI]</th><th>p</th><th>p<sub>Holm</sub></th></tr>
{{range .Rows}}<tr><td class="l">{{.Metric}}</td><td class="l">{{.Label}}</td><td>{{num .A.Mean}} [{{num .A.CILow}}, {{num .A.CIHigh}}] ({{.A.N}})</td><td>{{num .B.Mean}} [{{num .B.CILow}}, {{num .B.CIHigh}}] ({{.B.N}})</td><td>{{num .Diff}}</td><td>{{.Test}}</td><td>{{.Pairs}}</td><td>{{num .DMean}} [{{num .DLow}}, {{num .DHigh}}]</td><td>{{num .P}}</td><td>{{num .PHolm}}</td></tr>
{{end}}</table>
</body></html>
`))

// WriteHTML writes compare.html with figs embedded.
func (c *Comparison) WriteHTML(w io.Writer, figs []Figure) error {
	type hrow struct {
		Row
		Label string
	}
	d := struct {
		C    *Comparison
		Figs []Figure
		Img  map[string]template.URL
		Rows []hrow
	}{C: c, Figs: figs, Img: map[string]template.URL{}}
	for _, f := range figs {
		// PNG bytes in base64: no character can end the attribute.
		d.Img[f.Name] = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(f.PNG))
	}
	for _, r := range c.Rows {
		d.Rows = append(d.Rows, hrow{r, c.label(r.Lambdas, r.Axes)})
	}
	return htmlPage.Execute(w, d)
}
