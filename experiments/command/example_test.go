package command_test

import (
	"fmt"
	"strings"

	"github.com/lossexp/lossexp/experiments/command"
)

func ExampleParseTemplate() {
	tpl, err := command.ParseTemplate(`--lambda={lambda.fairness} --json={{"seed": {seed}}}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	values := map[string]string{"lambda.fairness": "0.1", "seed": "42"}
	s, err := tpl.Expand(func(name string) (string, bool) { v, ok := values[name]; return v, ok })
	fmt.Println(s, err)
	fmt.Println(tpl.Placeholders())
	// Output:
	// --lambda=0.1 --json={"seed": 42} <nil>
	// [{lambda.fairness 9} {seed 44}]
}

func ExampleParseMetrics() {
	rep, err := command.ParseMetrics(strings.NewReader(`{"epoch": 1, "loss.total": 0.9}
{"epoch": 2, "loss.total": NaN}
{"final": true, "test.accuracy": 0.84, "note": "done"}
`))
	fmt.Println(len(rep.Epochs), rep.Epochs[1].Values["loss.total"], rep.Final.No, rep.Final.Values["test.accuracy"], rep.Final.Other["note"], err)
	// Output:
	// 2 NaN 3 0.84 "done" <nil>
}
