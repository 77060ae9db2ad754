package command

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestDevicePool: slots cut in the order written, a remainder left out;
// a slot is held by one taker at a time (8 goroutines on 2 slots never
// share a device); Acquire returns ctx's error when every slot is taken
// and ctx ends.
func TestDevicePool(t *testing.T) {
	p := NewDevicePool([]string{"0", "1", "2", "3", "4"}, 2)
	if p.Slots() != 2 {
		t.Fatalf("slots %d, want 2 (5 devices, 2 a run)", p.Slots())
	}
	ctx := context.Background()
	a, _ := p.Acquire(ctx)
	b, _ := p.Acquire(ctx)
	got := []string{JoinDevices(a), JoinDevices(b)}
	slices.Sort(got)
	if !slices.Equal(got, []string{"0,1", "2,3"}) {
		t.Errorf("slots %v, want [0,1 2,3]", got)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if s, err := p.Acquire(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a third Acquire on 2 taken slots returned %v, %v; want the deadline", s, err)
	}
	p.Release(a)
	p.Release(b)

	var mu sync.Mutex
	held := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				s, err := p.Acquire(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, d := range s {
					if held[d] {
						t.Errorf("device %s handed out twice at once", d)
					}
					held[d] = true
				}
				mu.Unlock()
				time.Sleep(50 * time.Microsecond)
				mu.Lock()
				for _, d := range s {
					held[d] = false
				}
				mu.Unlock()
				p.Release(s)
			}
		}()
	}
	wg.Wait()
}
