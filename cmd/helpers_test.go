package cmd

import (
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

type cobraCommand = cobra.Command

func newTestViper() *viper.Viper { return viper.New() }
