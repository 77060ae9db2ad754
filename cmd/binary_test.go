package cmd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// built is the lossexp binary the process tests run (buildBinary), built
// once per test process into a folder TestMain removes: each test linked
// its own before (about 10 s on a loaded machine), which kept the kill
// and resume tests out of -short. The tests only run it.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// builtBinary builds lossexp the first time it is called and returns its
// path (or the build's error) every time.
func builtBinary() (string, error) {
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "lossexp-cmd-test-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "lossexp")
		if out, err := exec.Command("go", "build", "-o", bin, "github.com/lossexp/lossexp").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.bin = bin
	})
	return built.bin, built.err
}

// removeBuiltBinary removes the folder of builtBinary's binary (nothing
// when none was built).
func removeBuiltBinary() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}
