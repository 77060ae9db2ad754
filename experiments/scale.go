package experiments

// Scale names, for a term's `scale:` key.
const (
	ScaleInitialLoss = "initial_loss"
	ScaleInitialGrad = "initial_grad"
)
