// Package gradcheck compares analytic gradients with central finite
// differences. Every term and model test in lossexp uses it.
package gradcheck
