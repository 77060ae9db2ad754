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
{"note": "a line without epoch or final is the trainer's own: ignored"}
{"final": true, "test.accuracy": 0.84, "val/f1": 0.8}
`))
	fmt.Println(len(rep.Epochs), rep.Epochs[1].Values["loss.total"], rep.Final.No, rep.Final.Values["test.accuracy"], rep.Final.Values["val/f1"], err)
	_, err = command.ParseMetrics(strings.NewReader(`{"final": true, "test.accuracy": "0.84"}`))
	fmt.Println(err)
	// Output:
	// 2 NaN 4 0.84 0.8 <nil>
	// line 1: "test.accuracy" must be a JSON number, got "0.84" (a string: write numbers without quotes)
}
