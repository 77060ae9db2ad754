package main

// Every shell command a page of the docs shows in a code block is run:
// by scripts/docs.sh --check (TestDocs_Commands with LOSSEXP_DOCS_CLONE
// set: each command, in the order the pages show them, in a copy of the
// repository's tracked files, with `go install .` into a temporary GOBIN),
// by a test named in runElsewhere, or it is marked as not run, with the
// reason, by a comment before its code block:
//
//	<!-- not run: PREFIX — REASON -->
//
// PREFIX is the start of the command lines of the next code block it
// exempts ("*": all of them).

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/cmd"
)

// runElsewhere: commands the docs show that a test or CI runs, not the
// docs check.
var runElsewhere = map[string]string{
	"go run . sweep configs/quickstart.yaml":                 "the main job, run by .ci/run (TestDocs_TwoCommandsInCI)",
	"go test ./...":                                          "the tests, run by .ci/run (TestDocs_TwoCommandsInCI)",
	"lossexp sweep examples/pytorch/digits.yaml --workers 2": "examples/pytorch TestDigitsExample reads it from docs/trainer.md and runs it",
}

// mustExempt: command names the docs check cannot run on a build machine
// (a daemon, a cluster, root, the network, minutes or hours): a command
// starting with one is run elsewhere or marked not run.
var mustExempt = regexp.MustCompile(`^(docker|kubectl|sbatch|srun|scancel|apt-get|sudo|pip|curl|wget|` +
	`bash \S*submit\.sh|scripts/(bench|mutate|fuzz|slurm-\S+|halving)\.sh|go install \S+@|go test|go build|python3?)\b`)

// shellWords: a code line whose first word is one of these (after
// VAR=value assignments and a "$ " prompt) is a command.
var shellWords = regexp.MustCompile(`^(lossexp|go|docker|kubectl|sbatch|srun|scancel|apt-get|sudo|pip|curl|wget|` +
	`bash|sh|python3?|jq|sed|cat|cp|mv|rm|mkdir|cd|export|source|git|make|scripts/\S+\.(sh|py))(\s|$)`)

var (
	envPrefix = regexp.MustCompile(`^([A-Z_][A-Z0-9_]*=\S*\s+)+`)
	notRunRE  = regexp.MustCompile(`^<!-- not run: (.+?) — (.+?) -->$`)
	trailing  = regexp.MustCompile(`\s+#\s.*$`)
)

type docCommand struct {
	file   string
	line   int
	text   string // the command as shown, continuation lines joined, the trailing comment dropped
	exempt string // the reason it is not run, if marked
}

// docCommands returns the shell command lines of the code blocks (fenced
// with no language, sh, bash, shell or console, or indented by 4 spaces)
// of README.md and docs/, in that order (README first, then docs/ sorted).
func docCommands(t *testing.T) []docCommand {
	t.Helper()
	var cmds []docCommand
	for _, file := range docPages(t) {
		cmds = append(cmds, pageCommands(t, file)...)
	}
	return cmds
}

type exemption struct{ prefix, reason string }

func pageCommands(t *testing.T, file string) []docCommand {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var (
		cmds      []docCommand
		pending   []exemption // marks waiting for the next code block
		markLine  int         // the line of the first pending mark
		block     []exemption // the marks of the current code block
		fenced    bool        // inside a ``` block
		shell     bool        // … whose language is shell
		indented  bool        // inside a 4-space indented block
		prevBlank = true
		cont      *docCommand // a command continued with \
	)
	startBlock := func() { block, pending = pending, nil }
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") {
			if !fenced {
				lang := strings.TrimPrefix(trim, "```")
				shell = lang == "" || lang == "sh" || lang == "bash" || lang == "shell" || lang == "console"
				startBlock()
			}
			fenced, prevBlank = !fenced, false
			continue
		}
		var code bool
		switch {
		case fenced:
			code = shell
		case trim == "":
		case strings.HasPrefix(line, "    ") && (indented || prevBlank):
			if !indented {
				startBlock()
			}
			indented, code = true, true
		default:
			indented = false
			if m := notRunRE.FindStringSubmatch(trim); m != nil {
				if len(pending) == 0 {
					markLine = n
				}
				pending = append(pending, exemption{m[1], m[2]})
			}
		}
		prevBlank = trim == ""
		if !code {
			cont = nil
			continue
		}
		if cont != nil {
			cont.text += " " + strings.TrimSpace(strings.TrimSuffix(trim, "\\"))
			if !strings.HasSuffix(trim, "\\") {
				cont.text = strings.Join(strings.Fields(trailing.ReplaceAllString(cont.text, "")), " ")
				cont = nil
			}
			continue
		}
		c := strings.TrimPrefix(trim, "$ ")
		if !shellWords.MatchString(envPrefix.ReplaceAllString(c, "")) {
			continue
		}
		cmd := docCommand{file: file, line: n}
		for _, e := range block {
			if e.prefix == "*" || strings.HasPrefix(c, e.prefix) {
				cmd.exempt = e.reason
			}
		}
		if strings.HasSuffix(c, "\\") {
			cmd.text = strings.TrimSpace(strings.TrimSuffix(c, "\\"))
			cmds = append(cmds, cmd)
			cont = &cmds[len(cmds)-1]
			continue
		}
		cmd.text = strings.TrimSpace(trailing.ReplaceAllString(c, ""))
		cmds = append(cmds, cmd)
	}
	if len(pending) > 0 {
		t.Errorf("%s:%d: a <!-- not run: … --> mark with no code block after it", file, markLine)
	}
	return cmds
}

// TestDocs_Commands: every command line in the docs' code blocks is run
// (by the docs check, or by the test runElsewhere names) or marked not
// run with a reason; with LOSSEXP_DOCS_CLONE=DIR (scripts/docs.sh sets it
// to a fresh copy of the repository) it runs those of the docs check there.
func TestDocs_Commands(t *testing.T) {
	cmds := docCommands(t)
	if len(cmds) < 20 {
		t.Fatalf("found %d commands in the docs: the parser is broken", len(cmds))
	}
	var run []docCommand
	for _, c := range cmds {
		switch {
		case c.exempt != "":
		case runElsewhere[c.text] != "":
		case mustExempt.MatchString(envPrefix.ReplaceAllString(c.text, "")):
			t.Errorf("%s:%d: %q cannot run in the docs check: mark it <!-- not run: %s — REASON --> before its code block, or run it in a test (runElsewhere)", c.file, c.line, c.text, c.text)
		default:
			run = append(run, c)
		}
	}
	clone := os.Getenv("LOSSEXP_DOCS_CLONE")
	if clone == "" {
		for _, c := range run {
			t.Logf("%s:%d: %s", c.file, c.line, c.text)
		}
		t.Logf("%d commands; set LOSSEXP_DOCS_CLONE (scripts/docs.sh does) to run the %d the docs check runs", len(cmds), len(run))
		return
	}
	gobin := t.TempDir()
	// A reader's shell: no LOSSEXP_* setting (lossexp refuses names it
	// does not read, LOSSEXP_DOCS_CLONE among them), lossexp's GOBIN first
	// on PATH.
	env := []string{"GOBIN=" + gobin, "PATH=" + gobin + string(os.PathListSeparator) + os.Getenv("PATH")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LOSSEXP_") && !strings.HasPrefix(kv, "GOBIN=") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	for _, c := range run {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		sh := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", c.text)
		sh.Dir, sh.Env = clone, env
		start := time.Now()
		out, err := sh.CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("%s:%d: %s: %v\n%s", c.file, c.line, c.text, err, out)
			continue
		}
		t.Logf("%s:%d: %s (%.1fs)", c.file, c.line, c.text, time.Since(start).Seconds())
	}
}

// TestDocs_HelpExamplesKeepCommittedFiles: no example of `lossexp help
// <command>` writes over a folder the repository commits (`lossexp
// baseline … --to results/baselines/quickstart` once did: a reader
// following it in a clone replaced the baseline CI checks).
func TestDocs_HelpExamplesKeepCommittedFiles(t *testing.T) {
	dest := regexp.MustCompile(`(?:--to|--out)[ =](\S+)`)
	n := 0
	for _, c := range cmd.NewRootCmd(&cmd.IO{}).Commands() {
		for _, m := range dest.FindAllStringSubmatch(c.Example, -1) {
			n++
			if _, err := os.Stat(m[1]); err == nil {
				t.Errorf("lossexp help %s: the example writes to %s, which the repository commits:\n%s", c.Name(), m[1], c.Example)
			}
		}
	}
	if n == 0 {
		t.Fatal("no example with --to or --out: the parser is broken")
	}
}
