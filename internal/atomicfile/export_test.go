package atomicfile

// SetHook installs a fault hook for the duration of a test.
func SetHook(h func(step, path string) error) func() {
	old := hook
	hook = h
	return func() { hook = old }
}
