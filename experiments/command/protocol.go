package command

// The trainer protocol's names, defined once: the environment lossexp
// sets for every attempt of a training command and the placeholders of
// trainer.command and trainer.env. The runner (experiments/train_command.go)
// sets and expands them; the spec's validation lists them; the settings
// (cmd/settings.go, through study.TrainerEnv) leave them alone when a
// lossexp is started by a training command.
const (
	EnvRunID   = "LOSSEXP_RUN_ID"  // the run's id
	EnvRepeat  = "LOSSEXP_REPEAT"  // the repeat index
	EnvSeed    = "LOSSEXP_SEED"    // the run's seed (seed, repeat)
	EnvWorker  = "LOSSEXP_WORKER"  // the worker slot, 0 to workers−1
	EnvRunDir  = "LOSSEXP_RUN_DIR" // the attempt's run folder, where metrics.jsonl goes
	EnvParams  = "LOSSEXP_PARAMS"  // params.json in the run folder
	EnvAttempt = "LOSSEXP_ATTEMPT" // the attempt, 0 then each retry
	EnvLambda  = "LOSSEXP_LAMBDA_" // + a term's name (EnvName): its λ
	EnvParam   = "LOSSEXP_PARAM_"  // + a trainer.params key (EnvName): its value
	// EnvDevices is set to the attempt's devices (comma-joined) when the
	// spec has trainer.devices, unless trainer.env sets it (devices.go).
	EnvDevices = "CUDA_VISIBLE_DEVICES"
)

// The placeholders of trainer.command and trainer.env values, besides
// lambda.<name> (PlaceholderLambda) and params.<param> (PlaceholderParam).
const (
	PlaceholderSeed   = "seed"
	PlaceholderRepeat = "repeat"
	PlaceholderRunID  = "run_id"
	PlaceholderRunDir = "run_dir"
	PlaceholderWorker = "worker"
	PlaceholderLambda = "lambda." // + a term's name
	PlaceholderParam  = "params." // + a trainer.params key
	// PlaceholderDevices is the attempt's devices, comma-joined; valid
	// only in a spec with trainer.devices (devices.go).
	PlaceholderDevices = "devices"
)

// ChildEnv returns the variables set for every attempt, one per run.
func ChildEnv() []string {
	return []string{EnvRunID, EnvRepeat, EnvSeed, EnvWorker, EnvRunDir, EnvParams, EnvAttempt}
}

// ChildEnvPrefixes returns the families of variables set per term and
// per trainer parameter.
func ChildEnvPrefixes() []string { return []string{EnvLambda, EnvParam} }

// Placeholders returns the placeholders every run has, besides those of
// its terms and parameters.
func Placeholders() []string {
	return []string{PlaceholderSeed, PlaceholderRepeat, PlaceholderRunID, PlaceholderRunDir, PlaceholderWorker}
}
