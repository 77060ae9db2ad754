// Command lossexp runs loss-term trade-off studies: it trains a grid of
// loss weights λ and reports how the task metric moves as each added term
// gets more weight. See README.md.
package main
