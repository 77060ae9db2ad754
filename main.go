// Command lossexp runs loss-term trade-off studies: it trains a grid of
// loss weights λ and reports how the task metric moves as each added term
// gets more weight. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/lossexp/lossexp/cmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cmd.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
