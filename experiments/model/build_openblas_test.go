//go:build openblas

package model

const openblasBuild = true
