package synthcache

import (
	"io"
	"sync"
)

// Output is what a synth printed, in order, so a hit prints exactly the same.
type Output []Chunk

// Chunk is one write to stdout or stderr.
type Chunk struct {
	Stderr bool   `json:"stderr,omitempty"`
	Data   []byte `json:"data"`
}

// Replay prints the recorded output again.
func (o Output) Replay(stdout, stderr io.Writer) {
	for _, c := range o {
		w := stdout
		if c.Stderr {
			w = stderr
		}
		w.Write(c.Data)
	}
}

// Recorder records what is written through the writers it hands out, and passes it on.
type Recorder struct {
	mu  sync.Mutex
	out Output
}

// Wrap returns stdout and stderr writers that also record.
func (r *Recorder) Wrap(stdout, stderr io.Writer) (io.Writer, io.Writer) {
	return &recWriter{r: r, w: stdout}, &recWriter{r: r, w: stderr, stderr: true}
}

// Output is what was recorded so far.
func (r *Recorder) Output() Output {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append(Output(nil), r.out...)
}

type recWriter struct {
	r      *Recorder
	w      io.Writer
	stderr bool
}

func (w *recWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	w.r.out = append(w.r.out, Chunk{Stderr: w.stderr, Data: append([]byte(nil), p...)})
	w.r.mu.Unlock()
	return w.w.Write(p)
}
