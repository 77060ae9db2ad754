package main

// Tests of the user docs: README.md stays a short front page, and every
// relative link in README.md and docs/ leads to a file (and, with a
// #fragment, to a heading of that file).

import (
	"bufio"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/lossexp/lossexp/cmd"
	"github.com/lossexp/lossexp/experiments/command"
	"github.com/lossexp/lossexp/spec"
)

// maxREADMELines is the README's length limit (issue 27): install, the two
// commands, a tour and the map of docs/; the rest is in docs/.
const maxREADMELines = 400

func TestDocs_READMEShort(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n > maxREADMELines {
		t.Errorf("README.md has %d lines, at most %d: move the detail to a page of docs/", n, maxREADMELines)
	}
}

// pendingPages are pages written on other branches at the same time as the
// docs map that links them; a link to one is not an error while the page
// is missing (once it exists, it and its anchors are checked as any other).
// docs/halving.md arrives with the merge of successive halving (issue 24):
// remove it from here then.
var pendingPages = map[string]bool{}

// docPages returns README.md, then every Markdown page under docs/ in
// lexical order.
func docPages(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md"}
	err := filepath.WalkDir("docs", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, filepath.ToSlash(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestDocs_Links(t *testing.T) {
	files := docPages(t)
	anchors := map[string]map[string]bool{} // file → heading anchors
	anchorsOf := func(file string) map[string]bool {
		if a, ok := anchors[file]; ok {
			return a
		}
		a, err := headingAnchors(file)
		if err != nil {
			t.Errorf("read %s: %v", file, err)
		}
		anchors[file] = a
		return a
	}
	checked := 0
	for _, file := range files {
		links, err := markdownLinks(file)
		if err != nil {
			t.Fatalf("read %s: %v", file, err)
		}
		for _, l := range links {
			target, frag, _ := strings.Cut(l.target, "#")
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			dest := file
			if target != "" {
				dest = path.Clean(path.Join(path.Dir(file), target))
				if strings.HasPrefix(dest, "../") {
					t.Errorf("%s:%d: link %q leaves the repository", file, l.line, l.target)
					continue
				}
				st, err := os.Stat(dest)
				if err != nil {
					if pendingPages[dest] {
						t.Logf("%s:%d: %s is written on another branch", file, l.line, dest)
						continue
					}
					t.Errorf("%s:%d: link %q: no file %s", file, l.line, l.target, dest)
					continue
				}
				if st.IsDir() {
					if frag != "" {
						t.Errorf("%s:%d: link %q: an anchor into a folder", file, l.line, l.target)
					}
					continue
				}
			}
			if frag == "" {
				continue
			}
			if !strings.HasSuffix(dest, ".md") {
				t.Errorf("%s:%d: link %q: an anchor into %s, not a Markdown page", file, l.line, l.target, dest)
				continue
			}
			if !anchorsOf(dest)[frag] {
				t.Errorf("%s:%d: link %q: %s has no heading with anchor #%s", file, l.line, l.target, dest, frag)
			}
		}
	}
	if checked == 0 {
		t.Error("no relative link found: the link parser is broken")
	}
}

type mdLink struct {
	target string
	line   int
}

var (
	linkRE = regexp.MustCompile(`\]\(([^()\s]+)(?:\s+"[^"]*")?\)`)
	codeRE = regexp.MustCompile("`[^`]*`")
)

// markdownLinks returns the targets of the inline links and images of a
// Markdown file, outside fenced code blocks and code spans.
func markdownLinks(file string) ([]mdLink, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var links []mdLink
	fenced := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, m := range linkRE.FindAllStringSubmatch(codeRE.ReplaceAllString(line, ""), -1) {
			links = append(links, mdLink{m[1], n})
		}
	}
	return links, sc.Err()
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown file: lower case, spaces to '-', letters, digits, '-' and '_'
// kept, everything else dropped; a repeated anchor gets -1, -2, ….
func headingAnchors(file string) (map[string]bool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	anchors := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		a := slug(strings.TrimLeft(line, "#"))
		if k := seen[a]; k > 0 {
			seen[a]++
			a += "-" + strconv.Itoa(k)
		} else {
			seen[a] = 1
		}
		anchors[a] = true
	}
	return anchors, nil
}

func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestDocs_TrainerEnv: the pages that list the variables lossexp sets for
// a training command name every one the protocol defines
// (experiments/command/protocol.go), so a new one cannot go unsaid.
func TestDocs_TrainerEnv(t *testing.T) {
	names := command.ChildEnv()
	for _, p := range command.ChildEnvPrefixes() {
		names = append(names, p+"<")
	}
	for _, page := range []string{"docs/trainer.md", "docs/commands.md"} {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if !strings.Contains(string(b), "`"+n) {
				t.Errorf("%s does not name %s among the variables a training command gets", page, strings.TrimSuffix(n, "<"))
			}
		}
	}
}

// TestDocs_SpecTour: the spec docs/specs.md tours is configs/l1-sparsity.yaml
// ("its values exactly"), and the tour's quickstart spec in README.md is
// configs/quickstart.yaml but for what the README says it leaves out.
func TestDocs_SpecTour(t *testing.T) {
	for _, c := range []struct{ page, config string }{
		{"docs/specs.md", "configs/l1-sparsity.yaml"},
		{"README.md", "configs/quickstart.yaml"},
	} {
		b, err := os.ReadFile(c.page)
		if err != nil {
			t.Fatal(err)
		}
		_, yml, ok := strings.Cut(string(b), "```yaml\n")
		if !ok {
			t.Fatalf("%s has no yaml block", c.page)
		}
		yml, _, _ = strings.Cut(yml, "```")
		shown, err := spec.Parse(strings.NewReader(yml), c.page)
		if err != nil {
			t.Fatalf("%s: the spec shown does not parse: %v", c.page, err)
		}
		want, err := spec.Load(c.config)
		if err != nil {
			t.Fatal(err)
		}
		if c.config == "configs/quickstart.yaml" {
			// README: "the file says the same with a description and standardize: true".
			shown.Description = want.Description
			shown.Dataset.Standardize = want.Dataset.Standardize
		}
		// Where each field was written (file, line, column) is not the spec.
		shown.File, shown.Pos = want.File, want.Pos
		if !reflect.DeepEqual(shown, want) {
			t.Errorf("%s shows a spec that is not %s:\n%+v\n%+v", c.page, c.config, *shown, *want)
		}
	}
}

// TestDocs_TwoCommandsInCI: the README's two commands (the main job and the
// tests) are what .ci/run runs, so the front page and CI cannot drift apart.
func TestDocs_TwoCommandsInCI(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(readme), "## The two commands")
	if !ok {
		t.Fatal(`README.md has no "## The two commands" section`)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	var cmds []string
	for _, line := range strings.Split(sec, "\n") {
		if c, ok := strings.CutPrefix(line, "    "); ok {
			cmds = append(cmds, strings.TrimSpace(c))
		}
	}
	if len(cmds) != 2 {
		t.Fatalf("README's two commands: found %q", cmds)
	}
	for _, c := range cmds {
		if !strings.Contains(string(ci), c) {
			t.Errorf(".ci/run does not run the README's command %q", c)
		}
	}
}

// TestDocs_HelpEnvironment: every variable `lossexp help environment` lists
// has a row in the settings table of docs/commands.md, and every row there
// is one the help lists (one source: the settings table of cmd/settings.go).
func TestDocs_HelpEnvironment(t *testing.T) {
	var out, errw strings.Builder
	if code := cmd.Main(t.Context(), []string{"help", "environment"}, strings.NewReader(""), &out, &errw); code != 0 {
		t.Fatalf("lossexp help environment: exit %d: %s", code, errw.String())
	}
	help := map[string]bool{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "LOSSEXP_") && strings.HasPrefix(line, "  ") {
			help[f[0]] = true
		}
	}
	b, err := os.ReadFile("docs/commands.md")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "| `LOSSEXP_"); ok {
			name, _, _ = strings.Cut(name, "`")
			docs["LOSSEXP_"+name] = true
		}
	}
	if len(help) == 0 {
		t.Fatal("no variable found in lossexp help environment: the parser is broken")
	}
	for n := range help {
		if !docs[n] {
			t.Errorf("docs/commands.md has no row for %s, which lossexp help environment lists", n)
		}
	}
	for n := range docs {
		if !help[n] {
			t.Errorf("docs/commands.md lists %s, which lossexp help environment does not", n)
		}
	}
}

// TestDocs_JSONFields: every field of the --json documents (the types of
// cmd/output.go) is named in the docs (docs/json.md, or the page of the
// command that prints it), so a field added to the code is also documented.
func TestDocs_JSONFields(t *testing.T) {
	src, err := os.ReadFile("cmd/output.go")
	if err != nil {
		t.Fatal(err)
	}
	var docs strings.Builder
	pages, _ := filepath.Glob("docs/*.md")
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	tags := regexp.MustCompile(`json:"([a-z0-9_]+)`).FindAllStringSubmatch(string(src), -1)
	if len(tags) == 0 {
		t.Fatal("no json tag found in cmd/output.go")
	}
	for _, m := range tags {
		if !regexp.MustCompile(`\b` + m[1] + `\b`).MatchString(docs.String()) {
			t.Errorf("the --json field %q (cmd/output.go) is not named in docs/", m[1])
		}
	}
}

// TestDocs_Specs: the specs only the docs use (docs/data/specs/, run by
// scripts/docs.sh) are valid specs.
func TestDocs_Specs(t *testing.T) {
	files, _ := filepath.Glob("docs/data/specs/*.yaml")
	if len(files) == 0 {
		t.Fatal("no spec in docs/data/specs/")
	}
	for _, f := range files {
		if _, err := spec.Load(f); err != nil {
			t.Error(err)
		}
	}
}

// TestDocs_HalvingTableSame holds README's copy of the halving agreement
// table to docs/halving.md's (DOCS=1 scripts/halving.sh writes both).
func TestDocs_HalvingTableSame(t *testing.T) {
	block := func(file string) string {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		i := strings.Index(s, "<!-- generated: halving-agreement -->")
		j := strings.Index(s, "<!-- end: halving-agreement -->")
		if i < 0 || j < i {
			t.Fatalf("%s: no halving-agreement block", file)
		}
		return s[i:j]
	}
	if a, b := block("README.md"), block("docs/halving.md"); a != b {
		t.Errorf("README.md's halving-agreement block differs from docs/halving.md's: run DOCS=1 scripts/halving.sh")
	}
}
