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
