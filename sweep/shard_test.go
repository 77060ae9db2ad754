package sweep

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lossexp/lossexp/spec"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		want    Shard
		wantErr string
	}{
		{"0/3", Shard{0, 3}, ""},
		{"2/3", Shard{2, 3}, ""},
		{" 1 / 4 ", Shard{1, 4}, ""},
		{"0/1", Shard{0, 1}, ""},
		{"3/2", Shard{}, "shard index 3 is out of range: 2 shards are numbered 0 to 1"},
		{"2/2", Shard{}, "shard index 2 is out of range: 2 shards are numbered 0 to 1"},
		{"0/0", Shard{}, "the number of shards must be at least 1, got 0"},
		{"-1/2", Shard{}, "the shard index must be at least 0, got -1"},
		{"1/-2", Shard{}, "the number of shards must be at least 1, got -2"},
		{"x/y", Shard{}, ErrShardSyntax.Error()},
		{"1", Shard{}, ErrShardSyntax.Error()},
		{"1/2/3", Shard{}, ErrShardSyntax.Error()},
		{"1.5/3", Shard{}, ErrShardSyntax.Error()},
		{"", Shard{}, ErrShardSyntax.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseShard(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseShard(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseShard(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestShardFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Shard
		wantErr string
	}{
		{"kubernetes", map[string]string{"JOB_COMPLETION_INDEX": "2", "LOSSEXP_SHARDS": "4"}, Shard{2, 4}, ""},
		{"kubernetes without the count", map[string]string{"JOB_COMPLETION_INDEX": "2"}, Shard{},
			"JOB_COMPLETION_INDEX=2 is set (a Kubernetes Indexed Job) but LOSSEXP_SHARDS is not: set it to the Job's completions"},
		{"kubernetes index out of range", map[string]string{"JOB_COMPLETION_INDEX": "4", "LOSSEXP_SHARDS": "4"}, Shard{},
			"JOB_COMPLETION_INDEX=4, LOSSEXP_SHARDS=4: shard index 4 is out of range: 4 shards are numbered 0 to 3"},
		{"kubernetes index not a number", map[string]string{"JOB_COMPLETION_INDEX": "a", "LOSSEXP_SHARDS": "4"}, Shard{},
			`JOB_COMPLETION_INDEX="a" is not a whole number`},
		{"slurm from 0", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "2"}, Shard{1, 3}, ""},
		{"slurm with an offset", map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "8"}, Shard{7, 8}, ""},
		{"slurm with a step", map[string]string{"SLURM_ARRAY_TASK_ID": "14", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_MAX": "16", "SLURM_ARRAY_TASK_STEP": "2"}, Shard{2, 4}, ""},
		{"slurm, one task re-submitted with LOSSEXP_SHARDS", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "3", "LOSSEXP_SHARDS": "8"}, Shard{3, 8}, ""},
		{"slurm task beyond LOSSEXP_SHARDS", map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1", "LOSSEXP_SHARDS": "8"}, Shard{},
			"SLURM_ARRAY_TASK_ID=8, LOSSEXP_SHARDS=8: shard index 8 is out of range: 8 shards are numbered 0 to 7 (with LOSSEXP_SHARDS set, array task ids are shard numbers: submit --array=0-7)"},
		{"slurm list array", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "9"}, Shard{},
			"SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_COUNT=3, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_MAX=9: the array is not one evenly stepped range, so its task ids do not name shards: set LOSSEXP_SHARDS to the number of shards and submit --array=0-(n-1)"},
		{"slurm without a count", map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, Shard{},
			"SLURM_ARRAY_TASK_ID=1 is set (a Slurm job array) but neither SLURM_ARRAY_TASK_COUNT nor LOSSEXP_SHARDS is"},
		{"both engines agree", map[string]string{"JOB_COMPLETION_INDEX": "1", "LOSSEXP_SHARDS": "3", "SLURM_ARRAY_TASK_ID": "1"}, Shard{1, 3}, ""},
		{"both engines conflict", map[string]string{"JOB_COMPLETION_INDEX": "1", "LOSSEXP_SHARDS": "4", "SLURM_ARRAY_TASK_ID": "2"}, Shard{},
			"the Kubernetes variables say shard 1/4 (JOB_COMPLETION_INDEX=1, LOSSEXP_SHARDS=4) but the Slurm variables say shard 2/4 (SLURM_ARRAY_TASK_ID=2, LOSSEXP_SHARDS=4): unset one engine's variables, or give --shard i/n"},
		{"both engines: LOSSEXP_SHARDS wins over the array count", map[string]string{"JOB_COMPLETION_INDEX": "0", "LOSSEXP_SHARDS": "4", "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"}, Shard{0, 4}, ""},
		{"neither", map[string]string{"LOSSEXP_SHARDS": "4", "SLURM_ARRAY_TASK_ID": ""}, Shard{},
			"no shard in the environment: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with LOSSEXP_SHARDS) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; give --shard i/n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			got, src, err := ShardFromEnv(lookup)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v\nwant    %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ShardFromEnv = %v (%s), %v; want %v", got, src, err, tt.want)
			}
			if src == "" {
				t.Error("no source named")
			}
		})
	}
}

func plansOf(n int) []Plan {
	p := make([]Plan, n)
	for i := range p {
		p[i] = Plan{Index: i, Point: i / 3, Repeat: i % 3, ID: fmt.Sprintf("run%03d", i)}
	}
	return p
}

// TestAssign_DisjointAndComplete checks that the shards of every n are
// disjoint, cover all runs, and that equal costs deal the runs out round
// robin in index order.
func TestAssign_DisjointAndComplete(t *testing.T) {
	plans := plansOf(31)
	uniform := func(Plan) int64 { return 7 }
	for n := 1; n <= 40; n++ {
		seen := make([]int, len(plans))
		for i := 0; i < n; i++ {
			mine := Shard{i, n}.Plans(plans, uniform)
			if !slices.IsSortedFunc(mine, func(a, b Plan) int { return a.Index - b.Index }) {
				t.Fatalf("n=%d shard %d: plans not in index order", n, i)
			}
			for _, p := range mine {
				seen[p.Index]++
				if p.Index%n != i {
					t.Errorf("n=%d: run %d in shard %d, want %d (round robin)", n, p.Index, i, p.Index%n)
				}
			}
		}
		for idx, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: run %d in %d shards", n, idx, c)
			}
		}
	}
}

// TestAssign_Balanced: runs whose costs differ (say a data-size axis of
// 1, 2 and 7 units) are balanced by LPT: no shard carries more than the
// ideal share plus the largest single run, and the result is the same
// whatever order the plans come in.
func TestAssign_Balanced(t *testing.T) {
	plans := plansOf(30)
	units := []int64{1, 2, 7}
	cost := func(p Plan) int64 { return units[p.Index%3] }
	var total int64
	for _, p := range plans {
		total += cost(p)
	}
	for _, n := range []int{2, 3, 4, 7} {
		a := Assign(plans, n, cost)
		load := make([]int64, n)
		for i, s := range a {
			load[s] += cost(plans[i])
		}
		if hi := slices.Max(load); float64(hi) > float64(total)/float64(n)+7 {
			t.Errorf("n=%d: loads %v exceed the ideal %.1f + 7", n, load, float64(total)/float64(n))
		}
		rev := slices.Clone(plans)
		slices.Reverse(rev)
		b := Assign(rev, n, cost)
		for i := range rev {
			if b[i] != a[len(plans)-1-i] {
				t.Fatalf("n=%d: assignment depends on the order of the plans", n)
			}
		}
	}
}

func TestPlanCost_Positive(t *testing.T) {
	// PlanCost never returns a cost below 1, whatever the spec leaves out.
	cost := PlanCost(&spec.Spec{})
	if c := cost(Plan{}); c < 1 {
		t.Fatalf("cost %d", c)
	}
}

// TestAssignStream_SameAsAssign: the streaming assignment gives every run
// the shard Assign gives it over the slice of all plans, for a spec whose
// axis points cost differently (model.hidden and the sample count vary)
// and one without axes, for 1 to 7 shards. Merge and the shards must
// agree, whichever of the two a build uses.
func TestAssignStream_SameAsAssign(t *testing.T) {
	cv := strings.Replace(axesSpec, "  params: {samples: 80, noise: 0.3}\n", "  params: {samples: 80, noise: 0.3}\n  split: {cv: 3}\n", 1)
	if cv == axesSpec {
		t.Fatal("no cv variant of axesSpec")
	}
	for _, spec := range []string{axesSpec, tinySpec, cv, balanceSpec + "sweep:\n  balance: [static, mgda, {method: gradnorm, alpha: 1}]\n  axes: {model.hidden: [4, [8, 8]]}\n"} {
		s := mustSpec(t, spec)
		ps, _, err := Expand(s)
		if err != nil {
			t.Fatal(err)
		}
		plans := ps.Collect()
		for n := 1; n <= 7; n++ {
			want := Assign(plans, n, PlanCost(s))
			i := 0
			AssignStream(ps, n, PlanCost(s), func(k, sh int) bool {
				if k != i || sh != want[k] {
					t.Fatalf("%s, %d shards: run %d (position %d) to shard %d, Assign says %d", s.Name, n, k, i, sh, want[k])
				}
				i++
				return true
			})
			if i != len(plans) {
				t.Fatalf("%d runs yielded, want %d", i, len(plans))
			}
			mine, cnt := Shard{n - 1, n}.Mine(ps, PlanCost(s))
			got := Shard{n - 1, n}.Plans(plans, PlanCost(s))
			if cnt != len(got) {
				t.Fatalf("Mine counts %d, Plans %d", cnt, len(got))
			}
			for _, p := range got {
				if !mine.Has(p.Index) {
					t.Fatalf("run %d not in Mine", p.Index)
				}
			}
		}
	}
}
