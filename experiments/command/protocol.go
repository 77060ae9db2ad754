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
	EnvAttempt = "LOSSEXP_ATTEMPT" // the attempt: 1 for the first, then 2, 3, … (counting on across sweeps)
	EnvLambda  = "LOSSEXP_LAMBDA_" // + a term's name (EnvName): its λ
	EnvParam   = "LOSSEXP_PARAM_"  // + a trainer.params key (EnvName): its value
	// EnvDevices is set to the attempt's devices (comma-joined) when the
	// spec has trainer.devices, unless trainer.env sets it (devices.go).
	EnvDevices = "CUDA_VISIBLE_DEVICES"
	// EnvEpochs is the attempt's epoch budget: the spec's
	// trainer.max_epochs, or a halving rung's budget; not set when the
	// spec has no trainer.max_epochs.
	EnvEpochs = "LOSSEXP_EPOCHS"
	// EnvCheckpointDir is the run's checkpoint folder, one per (grid
	// point, repeat), kept across attempts and halving rungs: a trainer
	// that saves its state there and loads it when it finds it continues
	// instead of starting over.
	EnvCheckpointDir = "LOSSEXP_CHECKPOINT_DIR"
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
	// PlaceholderEpochs is the attempt's epoch budget (EnvEpochs); valid
	// only in a spec with trainer.max_epochs.
	PlaceholderEpochs = "epochs"
	// PlaceholderCheckpointDir is the run's checkpoint folder
	// (EnvCheckpointDir).
	PlaceholderCheckpointDir = "checkpoint_dir"
)

// ChildEnv returns the variables set for every attempt, one per run
// (EnvEpochs only when the spec gives a budget).
func ChildEnv() []string {
	return []string{EnvRunID, EnvRepeat, EnvSeed, EnvWorker, EnvRunDir, EnvParams, EnvAttempt, EnvEpochs, EnvCheckpointDir}
}

// ChildEnvPrefixes returns the families of variables set per term and
// per trainer parameter.
func ChildEnvPrefixes() []string { return []string{EnvLambda, EnvParam} }

// Placeholders returns the placeholders every run has, besides those of
// its terms and parameters.
func Placeholders() []string {
	return []string{PlaceholderSeed, PlaceholderRepeat, PlaceholderRunID, PlaceholderRunDir, PlaceholderWorker, PlaceholderCheckpointDir}
}
