package report

import (
	"bytes"
	"encoding/base64"
	"html"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

// TestHTML_ImagesAreTheFiles: every image of report.html is, once the
// attribute is unescaped and the base64 decoded, the bytes of the figure
// file its alt names, and its src attribute reads exactly as html/template
// writes a data: URL in a src attribute (report.html's bytes did not change
// when WriteHTML stopped passing the URL through the template's escaper).
func TestHTML_ImagesAreTheFiles(t *testing.T) {
	dir := t.TempDir()
	writeTradeoff(t, dir)
	if err := Render(dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, table.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	escaper := template.Must(template.New("").Parse(`<img src="{{.}}" alt="x">`))
	imgs := regexp.MustCompile(`<img (src="[^"]*") alt="([^"]*)">`).FindAllSubmatch(page, -1)
	if len(imgs) == 0 {
		t.Fatal("report.html embeds no figure")
	}
	sawPlus := false
	for _, m := range imgs {
		name := html.UnescapeString(string(m[2]))
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("image %q: %v", name, err)
		}
		src := html.UnescapeString(strings.TrimSuffix(strings.TrimPrefix(string(m[1]), `src="`), `"`))
		got, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("image %q: the embedded bytes are not the file's (decode error %v)", name, err)
		}
		var b bytes.Buffer
		if err := escaper.Execute(&b, template.URL("data:image/png;base64,"+base64.StdEncoding.EncodeToString(want))); err != nil {
			t.Fatal(err)
		}
		if wantTag := strings.TrimSuffix(b.String(), ` alt="x">`); "<img "+string(m[1]) != wantTag {
			t.Errorf("image %q: src written as %.60q…, html/template writes %.60q…", name, m[1], wantTag)
		}
		sawPlus = sawPlus || strings.Contains(base64.StdEncoding.EncodeToString(want), "+")
	}
	if !sawPlus {
		t.Error("no figure's base64 holds a '+': the escaping is not exercised")
	}
}
