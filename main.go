// Command lossexp runs loss-term trade-off studies: it trains a grid of
// loss weights λ and reports how the task metric moves as each added term
// gets more weight. See README.md.
package main

import (
	"context"
	"os"

	"github.com/lossexp/lossexp/cmd"
)

func main() {
	ctx, stop := cmd.NotifyContext(context.Background())
	code := cmd.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
