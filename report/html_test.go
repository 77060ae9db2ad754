package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/report/figure"
	"github.com/lossexp/lossexp/report/table"
)

var (
	attrRE     = regexp.MustCompile(`(?i)\b(src|href|action|poster|srcset)\s*=\s*"([^"]*)"`)
	externalRE = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(\s*['"]?(https?:|//)`)
)

// checkSelfContained fails unless page references nothing outside
// itself: every src is a data: URI, every link a fragment or a file of
// the results folder, and no URL of another host appears anywhere.
func checkSelfContained(t *testing.T, page []byte) {
	t.Helper()
	imgs := 0
	for _, m := range attrRE.FindAllSubmatch(page, -1) {
		attr, val := strings.ToLower(string(m[1])), string(m[2])
		switch {
		case attr == "src" && strings.HasPrefix(val, "data:image/png;base64,"):
			imgs++
		case attr == "href" && (strings.HasPrefix(val, "#") || !strings.ContainsAny(val, ":/")):
			// a fragment, or a table beside the page
		default:
			t.Errorf("report.html refers outside itself: %s=%.80q", attr, val)
		}
	}
	if imgs == 0 {
		t.Error("report.html embeds no figure")
	}
	if m := externalRE.Find(page); m != nil {
		t.Errorf("report.html holds an external URL: %q", m)
	}
}

// chromium finds a headless Chromium, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTML_ChromiumShowsEveryFigure renders a report, moves report.html
// alone to an empty folder (as a CI artifact or an e-mail attachment
// travels) and loads it in headless Chromium with every host name
// unresolvable: every image must decode (naturalWidth > 0).
func TestHTML_ChromiumShowsEveryFigure(t *testing.T) {
	bin := chromium()
	if bin == "" {
		// .ci/run installs chromium and sets LOSSEXP_REQUIRE_CHROMIUM=1:
		// there a missing browser fails rather than skips.
		if os.Getenv("LOSSEXP_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("no chromium on PATH and LOSSEXP_REQUIRE_CHROMIUM=1 (apt-get install chromium)")
		}
		t.Skip("no chromium on PATH (apt-get install chromium): report.html not rendered in a browser")
	}
	dir := t.TempDir()
	writeTradeoff(t, dir)
	if err := Render(dir, figure.PlotOptions{}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, table.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	checkSelfContained(t, page)
	// A probe appended to a copy of the page reports, after load, how
	// many images there are and which did not decode.
	probe := `<script>window.addEventListener("load", () => {
  const imgs = [...document.images];
  const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt);
  const p = document.createElement("pre"); p.id = "probe";
  p.textContent = JSON.stringify({n: imgs.length, bad: bad});
  document.body.appendChild(p);
});</script>`
	alone := filepath.Join(t.TempDir(), table.HTMLFile)
	if err := os.WriteFile(alone, bytes.Replace(page, []byte("</body>"), []byte(probe+"</body>"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--disable-dev-shm-usage", `--host-resolver-rules=MAP * ~NOTFOUND`,
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=10000", "--dump-dom", "file://"+alone)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`<pre id="probe">([^<]*)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the probe did not run; chromium's DOM ends %q", tail(string(dom), 300))
	}
	var got struct {
		N   int      `json:"n"`
		Bad []string `json:"bad"`
	}
	if err := json.Unmarshal(m[1], &got); err != nil {
		t.Fatalf("probe %q: %v", m[1], err)
	}
	want := bytes.Count(page, []byte("<img "))
	if got.N != want || got.N == 0 || len(got.Bad) > 0 {
		t.Errorf("chromium saw %d images (page has %d); not decoded: %v", got.N, want, got.Bad)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
