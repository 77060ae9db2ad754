package command

import "strings"

// dedupEnv returns env with one entry per variable, the last one given
// (what os/exec does for Cmd.Env): the attempt supervisor starts a
// program with execve, where a variable listed twice is read by its
// first entry, so lossexp's own value of a variable the environment
// already holds (CUDA_VISIBLE_DEVICES exported in the shell, a
// trainer.env key, a parent lossexp's LOSSEXP_ variables) would be lost.
func dedupEnv(env []string) []string {
	if env == nil {
		return nil
	}
	seen := make(map[string]bool, len(env))
	out := make([]string, 0, len(env))
	for i := len(env) - 1; i >= 0; i-- {
		k, _, _ := strings.Cut(env[i], "=")
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, env[i])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
