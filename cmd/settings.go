package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/lossexp/lossexp/datasets"
	"github.com/lossexp/lossexp/internal/atomicfile"
	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/study"
)

// setting is one setting lossexp reads from its environment and, when Key
// is not empty, from the config file. This table is the one allow-list:
// a LOSSEXP_ variable or config-file key that is not here (or in
// childEnv) is refused with exit status 2, so a typo never silently falls
// back to a default. To add a setting, add a row; `lossexp help
// environment` and the settings table of docs/commands.md list these rows.
type setting struct {
	Env  string // environment variable, LOSSEXP_…
	Key  string // viper key = flag name = config-file key; "" = environment only
	Kind settingKind
	Doc  string
}

type settingKind int

const (
	kindPath    settingKind = iota // any non-empty text
	kindWorkers                    // a whole number ≥ 0
	kindCount                      // a whole number ≥ 1
)

var settings = []setting{
	{"LOSSEXP_CONFIG", "", kindPath, "config file (as --config); default ./lossexp.yaml when it exists"},
	{"LOSSEXP_WORKERS", "workers", kindWorkers, "runs trained at once (as --workers); default: the CPUs this process may use (GOMAXPROCS, which honours container CPU limits)"},
	{"LOSSEXP_DATA_DIR", "data-dir", kindPath, "folder searched for CSV datasets after the spec's folder (as --data-dir)"},
	{"LOSSEXP_RESULTS", "results", kindPath, "results root folder (as --results); default ./results"},
	{"LOSSEXP_OUT", "out", kindPath, "output folder of a sweep (as --out); default <results>/<spec name>"},
	{datasets.CacheEnv, "cache-dir", kindPath, "folder of fetched datasets: where lossexp datasets fetch keeps them and validate, sweep, run and merge find them (as --cache-dir); default ~/.cache/lossexp"},
	{study.EnvShards, "", kindCount, "number of shards for --shard auto (set by the exported Kubernetes Job and Slurm script)"},
}

// configKeys are the keys a config file may hold: the settings whose value
// is the same for every study (an output folder is per study, so "out" is
// not one of them).
var configKeys = []string{"workers", "data-dir", "results", "cache-dir"}

// childEnv are the variables lossexp sets in the environment of a user's
// training command. A lossexp started from inside such a command (a
// trainer that itself runs a sweep) inherits them: they are accepted and
// ignored, never refused. childEnvPrefixes are the families of them.
var (
	childEnv, childEnvPrefixes = study.TrainerEnv() // the trainer protocol's own list (experiments/command)
)

// testEnv are the variables of lossexp's own test suite and scripts
// (where the shared reference datasets are, whether their absence, or
// that of Chromium or torch, fails the tests, the peak-memory test's
// size); the binary never reads them, and a go test run that sets them
// must not have its commands refuse them.
var testEnv = []string{"LOSSEXP_SHARED_DATASETS", "LOSSEXP_REQUIRE_DATASETS", "LOSSEXP_REQUIRE_CHROMIUM", "LOSSEXP_REQUIRE_TORCH", "LOSSEXP_MEMTEST"}

// defaultWorkers is the worker count when none is set: the CPUs this
// process may run on. GOMAXPROCS honours the container's CPU limit (Go ≥
// 1.25), where runtime.NumCPU reports the host's cores.
func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// checkEnv validates every LOSSEXP_ variable of environ: an unknown name
// (with a did-you-mean for a near miss) or a bad value is an input error.
func checkEnv(environ []string) error {
	var errs []error
	known := make([]string, len(settings))
	for i, s := range settings {
		known[i] = strings.ToLower(s.Env)
	}
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "LOSSEXP_") || isChildEnv(name) || strings.TrimSpace(val) == "" {
			continue // an empty variable is unset, whatever its name
		}
		s := lookupSetting(name)
		if s == nil {
			msg := fmt.Sprintf("unknown environment variable %s", name)
			if g := study.Suggest(strings.ToLower(name), known); g != "" {
				msg += fmt.Sprintf(", did you mean %s?", strings.ToUpper(g))
			}
			errs = append(errs, fmt.Errorf("%s (lossexp reads %s; unset it or fix its name)", msg, strings.Join(settingNames(), ", ")))
			continue
		}
		if err := checkValue(s.Kind, strings.TrimSpace(val)); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", name, val, err))
		}
	}
	return errors.Join(errs...)
}

func isChildEnv(name string) bool {
	if slices.Contains(testEnv, name) {
		return true
	}
	for _, n := range childEnv {
		if name == n {
			return true
		}
	}
	for _, p := range childEnvPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func lookupSetting(env string) *setting {
	for i := range settings {
		if settings[i].Env == env {
			return &settings[i]
		}
	}
	return nil
}

func settingNames() []string {
	n := make([]string, len(settings))
	for i, s := range settings {
		n[i] = s.Env
	}
	return n
}

// checkValue checks one setting's value; "" means unset and is accepted.
func checkValue(k settingKind, v string) error {
	if v == "" {
		return nil
	}
	switch k {
	case kindWorkers:
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("want a whole number ≥ 0 (0 = the CPUs this process may use, %d here)", defaultWorkers())
		}
	case kindCount:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return errors.New("want a whole number ≥ 1")
		}
	}
	return nil
}

// maxConfigBytes bounds a config file: a handful of settings.
const maxConfigBytes = 1 << 20

// readConfigFile reads a YAML config file into v after checking that its
// keys are known and its values well typed. Errors name the file (and the
// line of a bad key or value).
func readConfigFile(v *viper.Viper, path string) error {
	data, err := saferead.ReadFile(path, maxConfigBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("config file %s does not exist (given by --config or LOSSEXP_CONFIG)", path)
		}
		if errors.Is(err, saferead.ErrNotRegular) {
			return fmt.Errorf("config file: %w", err)
		}
		return fmt.Errorf("read config file %s: %w", path, atomicfile.UnwrapPath(err))
	}
	if err := checkConfig(path, data); err != nil {
		return err
	}
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("read config file %s: %w", path, err)
	}
	return nil
}

// checkConfig validates a config file's text: a mapping from known keys
// (configKeys) to values of the right kind.
func checkConfig(path string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil // an empty file sets nothing
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: a config file is a mapping of settings (%s), e.g. \"workers: 4\"", path, m.Line, strings.Join(configKeys, ", "))
	}
	var errs []error
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, val := m.Content[i], m.Content[i+1]
		if !slices.Contains(configKeys, k.Value) {
			msg := fmt.Sprintf("%s:%d: unknown key %q", path, k.Line, k.Value)
			if g := study.Suggest(k.Value, configKeys); g != "" {
				msg += fmt.Sprintf(", did you mean %q?", g)
			}
			errs = append(errs, fmt.Errorf("%s (valid: %s)", msg, strings.Join(configKeys, ", ")))
			continue
		}
		if seen[k.Value] {
			errs = append(errs, fmt.Errorf("%s:%d: key %q given twice", path, k.Line, k.Value))
		}
		seen[k.Value] = true
		kind := kindPath
		for _, s := range settings {
			if s.Key == k.Value {
				kind = s.Kind
			}
		}
		if val.Kind != yaml.ScalarNode {
			errs = append(errs, fmt.Errorf("%s:%d: %s: want a single value", path, val.Line, k.Value))
			continue
		}
		if err := checkValue(kind, val.Value); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %q: %w", path, val.Line, k.Value, val.Value, err))
		}
	}
	return errors.Join(errs...)
}

// environmentHelp is the text of `lossexp help environment`.
func environmentHelp() string {
	var b strings.Builder
	b.WriteString(`lossexp reads these environment variables. A command-line flag wins over
its variable, and a variable over the config file (--config, LOSSEXP_CONFIG
or ./lossexp.yaml). Any other LOSSEXP_ name is refused (exit status 2), so a
misspelt setting is never silently ignored.

`)
	for _, s := range settings {
		for i, line := range wrap(s.Doc, 78-21) {
			name := ""
			if i == 0 {
				name = s.Env
			}
			fmt.Fprintf(&b, "  %-18s %s\n", name, line)
		}
	}
	keys := append([]string(nil), configKeys...)
	sort.Strings(keys)
	fmt.Fprintf(&b, `
A config file is YAML with the keys %s, e.g.

  workers: 4
  data-dir: /data/sets

`, strings.Join(keys, ", "))
	child := fmt.Sprintf("lossexp sets %s and LOSSEXP_LAMBDA_<TERM> for the training commands it runs; a lossexp started by such a command ignores them.", strings.Join(childEnv, ", "))
	b.WriteString(strings.Join(wrap(child, 78), "\n") + "\n")
	return b.String()
}

// wrap breaks text into lines of at most width columns at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
