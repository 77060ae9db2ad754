package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/lossexp/lossexp/internal/saferead"
	"github.com/lossexp/lossexp/study"
)

// Exit codes.
const (
	ExitOK         = 0
	ExitFailure    = 1   // a failed check or a run that could not be carried out
	ExitInput      = 2   // usage and input errors
	ExitInterrupt  = 130 // SIGINT (Ctrl-C), or a cancelled context
	ExitTerminated = 143 // SIGTERM
)

// IO is where a command reads and writes.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// TTY reports whether Err is a terminal (progress bars redraw in place).
	TTY bool
}

// exitError carries an exit code with an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// inputError marks err as bad input (exit status 2).
func inputError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{ExitInput, err}
}

// Main runs the command line and returns the process exit status.
func Main(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	return guard(errw, func() int { return execute(ctx, args, in, out, errw) })
}

// guard runs f and turns a panic on its goroutine (a bug of lossexp's,
// never the input's fault) into exit status 1 with the panic and its
// stack on errw; the Go runtime would exit 2, the status of bad input.
func guard(errw io.Writer, f func() int) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(errw, "lossexp: internal error (a bug in lossexp; please report it with this message): %v\n%s", r, debug.Stack())
			code = ExitFailure
		}
	}()
	return f()
}

// execute is Main without the guard.
func execute(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	streams := &IO{In: in, Out: out, Err: errw, TTY: isTerminal(errw)}
	root := NewRootCmd(streams)
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(errw)
	err := root.ExecuteContext(ctx)
	if err == nil {
		// A signal that arrived while the command finished its work
		// still ends lossexp as interrupted, never with status 0.
		if in := interruptedBy(ctx); in != nil {
			fmt.Fprintf(errw, "lossexp: %v\n", in)
			return in.Code()
		}
		return ExitOK
	}
	code := exitCode(ctx, err)
	msg := err.Error()
	if in := interruptedBy(ctx); in != nil {
		// "context canceled" says less than which signal it was.
		msg = strings.Replace(msg, context.Canceled.Error(), in.Error(), 1)
	}
	fmt.Fprintf(errw, "lossexp: %s\n", terminalSafe(msg))
	return code
}

// exitCode maps an error to the exit status: the one place that does.
func exitCode(ctx context.Context, err error) int {
	var ee *exitError
	var inc *study.IncompleteError
	if in := interruptedBy(ctx); in != nil {
		// Whatever failed, it failed because the user stopped it.
		return in.Code()
	}
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return ExitInterrupt
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &inc):
		return ExitFailure
	case study.IsInput(err):
		return ExitInput
	case isUsageError(err):
		return ExitInput
	}
	return ExitFailure
}

// isUsageError recognises cobra's and pflag's argument errors, which are
// plain errors.
func isUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// NewRootCmd builds the command tree.
func NewRootCmd(streams *IO) *cobra.Command {
	v := viper.New()
	root := &cobra.Command{
		Use:   "lossexp",
		Short: "Loss-term trade-off studies: sweep λ, see what each added term costs",
		Long: `lossexp trains one model per point of a λ grid for a weighted loss
L = L_task + λ1·L_term1 + λ2·L_term2 + … and reports how the task metric
moves as each added term gets more weight.

A YAML spec names the dataset, the model and the weighted loss; "lossexp sweep"
trains the grid on goroutine workers and writes CSV tables and PNG plots.
A spec given as "-" is read from standard input.

Settings are layered: command-line flags over LOSSEXP_* environment variables
over an optional config file (--config, LOSSEXP_CONFIG, or lossexp.yaml in the
working directory). "lossexp help environment" lists them; an unknown
LOSSEXP_ variable or config key is an error, not silently ignored.

Exit status: 0 success, 1 a failed check or a run that could not be carried
out, 2 bad input (usage, spec, data, settings), 130 interrupted (SIGINT,
Ctrl-C), 143 terminated (SIGTERM).`,
		Example: `  lossexp sweep configs/quickstart.yaml
  lossexp validate configs/l1-sparsity.yaml
  lossexp report results/quickstart
  lossexp check results/quickstart --baseline results/baselines/quickstart
  lossexp terms
  lossexp completion bash > ~/.local/share/bash-completion/completions/lossexp`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			return loadConfig(v, c)
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().String("config", "", "config file with default settings (YAML: workers, data-dir, results, cache-dir)")
	root.CompletionOptions.DisableDefaultCmd = true // ours is newCmdCompletion, with its docs

	root.AddCommand(
		newCmdSweep(streams, v, nil),
		newCmdValidate(streams, v, nil),
		newCmdRun(streams, v, nil),
		newCmdReport(streams, nil),
		newCmdStatus(streams, nil),
		newCmdCheck(streams, nil), newCmdCompare(streams, nil),
		newCmdBaseline(streams, nil),
		newCmdTerms(streams),
		newCmdMetrics(streams),
		newCmdDatasets(streams, v, nil),
		newCmdVersion(streams),
		newCmdExport(streams),
		newCmdMerge(streams, v, nil),
		newCmdCompletion(streams),
		newHelpTopic("environment", "Settings: LOSSEXP_* variables and the config file", environmentHelp()),
		newHelpTopic("exit-status", "What lossexp's exit status means", exitStatusHelp),
	)
	root.SetHelpCommand(newCmdHelp(root))
	completeArgs(root)
	return root
}

// loadConfig validates the LOSSEXP_ environment, reads the optional config
// file and binds the environment. Flags win over variables, variables over
// the config file, and that over the defaults.
func loadConfig(v *viper.Viper, c *cobra.Command) error {
	if err := checkEnv(os.Environ()); err != nil {
		return inputError(err)
	}
	for _, s := range settings {
		if s.Key != "" {
			if err := v.BindEnv(s.Key, s.Env); err != nil {
				return fmt.Errorf("bind %s: %w", s.Env, err)
			}
		}
	}
	v.SetDefault("workers", defaultWorkers())
	path := ""
	if f := c.Flags().Lookup("config"); f != nil {
		path = f.Value.String()
	}
	if path == "" {
		path = strings.TrimSpace(os.Getenv("LOSSEXP_CONFIG"))
	}
	if path == "" {
		if _, err := os.Stat("lossexp.yaml"); err != nil {
			return nil
		}
		path = "lossexp.yaml"
	}
	if err := readConfigFile(v, path); err != nil {
		return inputError(err)
	}
	return nil
}

// bind binds the named flags of c to viper keys of the same name, so that
// a flag given on the command line wins over LOSSEXP_<NAME> and the config
// file. Commands share one viper, so each binds its flags when it runs
// (binding at construction would let the last command's flag win).
func bind(v *viper.Viper, c *cobra.Command, names ...string) {
	for _, n := range names {
		if err := v.BindPFlag(n, c.Flags().Lookup(n)); err != nil {
			panic("cmd: bind flag " + n + ": " + err.Error())
		}
	}
}

// loadSpec reads and validates a spec; its errors are input errors. Path
// "-" is os.Stdin (see study.Stdin); loadSpecIO reads the command's
// own input instead.
func loadSpec(path string) (*study.Spec, error) {
	s, err := study.LoadSpec(path)
	if err != nil {
		return nil, inputError(err)
	}
	return s, nil
}

// loadSpecIO is loadSpec with "-" read from streams.In (see
// readSpecInput): the spec comes from standard input, named <stdin> in
// messages, and a relative dataset path resolves against the working
// directory.
func loadSpecIO(ctx context.Context, streams *IO, path string) (*study.Spec, error) {
	if path != study.Stdin || streams == nil || streams.In == nil {
		return loadSpec(path)
	}
	text, err := readSpecInput(ctx, streams)
	if err != nil {
		return nil, err
	}
	s, err := study.ParseSpec(text, study.StdinName)
	if err != nil {
		return nil, inputError(err)
	}
	return s, nil
}

// readSpecText reads the text of the spec at path, or of the spec on
// standard input when path is "-" (readSpecInput); a path must name a
// regular file of at most saferead.MaxSpecBytes.
func readSpecText(ctx context.Context, streams *IO, path string) ([]byte, error) {
	if path == study.Stdin {
		return readSpecInput(ctx, streams)
	}
	text, err := saferead.ReadFile(path, saferead.MaxSpecBytes)
	switch {
	case errors.Is(err, saferead.ErrNotRegular):
		return nil, inputError(fmt.Errorf("load spec: %w%s", err, study.StdinHint(err)))
	case err != nil:
		return nil, inputError(fmt.Errorf("load spec %s: %w", path, err))
	}
	return text, nil
}

// specName is how messages name the spec at path ("<stdin>" for "-").
func specName(path string) string {
	if path == study.Stdin {
		return study.StdinName
	}
	return path
}

// readSpecInput reads a spec from streams.In (a pipe, a terminal, a
// file): at most saferead.MaxSpecBytes, and the read ends on Ctrl-C or
// SIGTERM even while nothing arrives (`sleep 30 | lossexp validate -`).
func readSpecInput(ctx context.Context, streams *IO) ([]byte, error) {
	if streams == nil || streams.In == nil {
		return nil, inputError(fmt.Errorf("spec -: no standard input"))
	}
	text, err := saferead.ReadAll(ctx, streams.In, saferead.MaxSpecBytes)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("read the spec from standard input: %w", err)
		}
		return nil, inputError(fmt.Errorf("read the spec from standard input: %w (a spec is at most %d MiB)", err, saferead.MaxSpecBytes>>20))
	}
	return text, nil
}
