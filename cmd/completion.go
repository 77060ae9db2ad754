package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lossexp/lossexp/study"
)

func newCmdCompletion(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print a script that makes the shell complete lossexp's commands, flags and
arguments (spec files for sweep, validate, run and export; folders for
report, check, merge and baseline). Load it once per session, or install it:

  bash:        lossexp completion bash > ~/.local/share/bash-completion/completions/lossexp
  zsh:         lossexp completion zsh > "${fpath[1]}/_lossexp"
  fish:        lossexp completion fish > ~/.config/fish/completions/lossexp.fish
  PowerShell:  lossexp completion powershell | Out-String | Invoke-Expression`,
		Example: `  source <(lossexp completion bash)
  lossexp completion zsh > "${fpath[1]}/_lossexp"`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return inputError(fmt.Errorf("completion: name one shell: bash, zsh, fish or powershell"))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			root := c.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(streams.Out, true)
			case "zsh":
				return root.GenZshCompletion(streams.Out)
			case "fish":
				return root.GenFishCompletion(streams.Out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(streams.Out)
			}
			return inputError(fmt.Errorf("completion: unknown shell %q (valid: bash, zsh, fish, powershell)", args[0]))
		},
	}
}

// completeArgs sets what the shell completes for each command's argument:
// YAML files for those that take a spec, folders for those that take a
// results folder.
func completeArgs(root *cobra.Command) {
	specs := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	}
	dirs := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	}
	for _, c := range root.Commands() {
		switch c.Name() {
		case "sweep", "validate", "run", "export":
			c.ValidArgsFunction = specs
		case "report", "check", "merge", "baseline":
			c.ValidArgsFunction = dirs
		}
	}
}

// newHelpTopic is a help topic: `lossexp help NAME` prints text.
func newHelpTopic(name, short, text string) *cobra.Command {
	return &cobra.Command{Use: name, Short: short, Long: text, Example: "  lossexp help " + name}
}

const exitStatusHelp = `lossexp's exit status:

  0    success
  1    a check that failed, a run that could not be carried out, or an
       internal error (a bug of lossexp's: the message says so)
  2    bad input: usage, a spec, data or a setting (nothing was trained)
  130  interrupted by SIGINT (Ctrl-C): what finished is kept and written
  143  terminated by SIGTERM (kill, Slurm's scancel, Kubernetes): the same

The wait for a spec on standard input and the load of a large CSV or of
the trainer's inputs end on the first signal; a command that got one never
exits 0, and a second signal ends lossexp at once. When stopping takes
longer than 2 s (a training command gets its trainer.grace to exit),
it says so and how to stop at once. Files are written whole or not at
all.
`

// newCmdHelp replaces cobra's help command, which prints "Unknown help
// topic" for a misspelt topic and exits 0: ours suggests the topic and
// exits 2.
func newCmdHelp(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command or topic]",
		Short: "Help about any command or topic",
		Long: `Help prints the documentation of a command or of a help topic
(environment, exit-status).`,
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				var names []string
				for _, sub := range root.Commands() {
					if sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
						names = append(names, sub.Name())
					}
				}
				topic := strings.Join(args, " ")
				if len(names) > 0 {
					if s := study.Suggest(topic, names); s != "" {
						return inputError(fmt.Errorf("unknown help topic %q, did you mean %q? (commands and topics: %s)", topic, s, strings.Join(names, ", ")))
					}
				}
				return inputError(fmt.Errorf("unknown help topic %q (commands and topics: %s)", topic, strings.Join(names, ", ")))
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}
