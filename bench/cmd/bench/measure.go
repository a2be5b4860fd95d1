package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ---- measuring one process ----

type sample struct {
	wall time.Duration
	rss  int64 // peak resident set of the process tree, KiB
}

// measure runs argv with extra environment, waits for it, and returns its wall time and the peak RSS
// of its process tree. underhood's jsii kernel is a grandchild (node launched by Go) that Go does not
// wait for, so wait4's Maxrss misses it; a sampler sums VmRSS over the process group every 10 ms.
func (e *env) measure(extraEnv []string, argv ...string) (sample, error) {
	c := exec.Command(argv[0], argv[1:]...)
	c.Dir = e.root
	c.Env = envWith(extraEnv)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	start := time.Now()
	if err := c.Start(); err != nil {
		return sample{}, err
	}
	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		var max int64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if s := groupRSS(c.Process.Pid); s > max {
				max = s
			}
			select {
			case <-done:
				peak <- max
				return
			case <-t.C:
			}
		}
	}()
	err := c.Wait()
	wall := time.Since(start)
	close(done)
	rss := <-peak
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > rss {
		rss = ru.Maxrss
	}
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, lastLines(stderr.String(), 15))
	}
	return sample{wall, rss}, nil
}

// envWith is the environment with extra's settings; "KEY=" removes KEY (CDK_VALIDATION unset means on).
func envWith(extra []string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.ContainsFunc(extra, func(x string) bool { return strings.HasPrefix(x, k+"=") }) {
			out = append(out, kv)
		}
	}
	for _, kv := range extra {
		if !strings.HasSuffix(kv, "=") {
			out = append(out, kv)
		}
	}
	return out
}

// groupRSS is the summed VmRSS (KiB) of every process in process group pgid.
func groupRSS(pgid int) int64 {
	entries, _ := os.ReadDir("/proc")
	var total int64
	for _, d := range entries {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state ppid pgrp ...
		i := bytes.LastIndexByte(stat, ')')
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 3 || f[2] != strconv.Itoa(pgid) {
			continue
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				if kb, err := strconv.ParseInt(strings.Fields(line)[1], 10, 64); err == nil {
					total += kb
				}
			}
		}
	}
	return total
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
