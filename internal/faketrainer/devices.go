package faketrainer

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// DeviceUse is one line of the file of modes devices:F and devfail:F: an
// attempt's start and end (Unix nanoseconds), the devices it got as its
// second argument ({devices}) and in CUDA_VISIBLE_DEVICES.
type DeviceUse struct {
	RunID   string `json:"run_id"`
	Attempt string `json:"attempt"`
	Start   int64  `json:"start"`
	End     int64  `json:"end"`
	Arg     string `json:"arg"`
	CUDA    string `json:"cuda"`
	CUDASet bool   `json:"cuda_set"`
}

// recordDevices sleeps 30 ms and appends the attempt's DeviceUse to path
// (one write of a short line to a file opened O_APPEND: lines of
// attempts running at once do not mix).
func recordDevices(path string, rest []string) int {
	u := DeviceUse{RunID: os.Getenv("LOSSEXP_RUN_ID"), Attempt: os.Getenv("LOSSEXP_ATTEMPT"), Start: time.Now().UnixNano()}
	time.Sleep(30 * time.Millisecond)
	u.End = time.Now().UnixNano()
	if len(rest) > 0 {
		u.Arg = rest[0]
	}
	u.CUDA, u.CUDASet = os.LookupEnv("CUDA_VISIBLE_DEVICES")
	b, _ := json.Marshal(u)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err == nil {
		_, err = f.Write(append(b, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "faketrainer:", err)
		return 1
	}
	return 0
}
