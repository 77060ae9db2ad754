// Package pytorch holds the PyTorch example of a spec with a trainer:
// section (digits.yaml, train.py); this test runs a reduced copy of it.
package pytorch
