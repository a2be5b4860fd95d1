package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/underhood-dev/underhood/internal/synthcache"
	"github.com/underhood-dev/underhood/spec"
	"github.com/underhood-dev/underhood/stacks"
)

// synthCache is one synth's use of the synth cache (internal/synthcache). A nil *synthCache (--no-cache,
// or a cache that cannot be used) synthesizes as if there were no cache: every method is nil-safe.
//
// On a miss, synth writes the assembly into a staging folder inside the cache, the files go into the
// cache, and the output folder is written from there exactly as a hit writes it; the entry is published
// only when synth succeeds and its inputs did not change while it ran.
type synthCache struct {
	cache   *synthcache.Cache
	req     synthcache.Request
	app     *spec.App
	key     synthcache.Key
	staging string
	pending *synthcache.Pending
	rec     synthcache.Recorder
	debug   io.Writer // UNDERHOOD_CACHE_DEBUG: why a synth hit or missed
}

// openSynthCache computes this synth's key. On a hit it writes the cached assembly to the output folder
// and prints what the synth that made it printed; synth is then done (hit is true).
func openSynthCache(opts *synthOptions, app *spec.App, stdout, stderr io.Writer) (c *synthCache, hit bool) {
	// A test hook that changes the stack is not part of the key: such a synth never uses the cache.
	if opts.noCache || opts.addToStack != nil {
		return nil, false
	}
	c = &synthCache{app: app}
	if os.Getenv("UNDERHOOD_CACHE_DEBUG") != "" {
		c.debug = stderr
	}
	engine, err := os.Executable()
	if err != nil {
		c.debugf("synth cache off: %v", err)
		return nil, false
	}
	c.req = synthcache.Request{Spec: opts.spec, Stage: opts.stage, Out: opts.out, Quiet: opts.quiet, NoNag: opts.noNag,
		Engine: engine, Env: os.Environ()}
	if c.cache, err = synthcache.Open(synthcache.DirFor(opts.spec, os.Getenv), os.Getenv); err != nil {
		c.debugf("synth cache off: %v", err)
		return nil, false
	}
	c.key, err = c.cache.Key(&c.req, app)
	if err != nil {
		c.cache.SaveMemo()
		c.debugf("synth cache off: %v", err)
		return nil, false
	}
	out, ok := c.cache.Restore(c.key, c.req.OutDir())
	c.cache.SaveMemo()
	if ok {
		c.debugf("synth cache hit %s", c.key.Sum)
		out.Replay(stdout, stderr)
		return c, true
	}
	c.debugf("synth cache miss %s", c.key.Sum)
	for _, in := range c.key.Inputs {
		c.debugf("  %s %s", in.Sum[:16], in.Name)
	}
	return c, false
}

func (c *synthCache) debugf(format string, args ...any) {
	if c.debug != nil {
		fmt.Fprintf(c.debug, "underhood: "+format+"\n", args...)
	}
}

// record returns writers that also record what synth prints, for the entry.
func (c *synthCache) record(stdout, stderr io.Writer) (io.Writer, io.Writer) {
	if c == nil {
		return stdout, stderr
	}
	return c.rec.Wrap(stdout, stderr)
}

// synthesize is synthesize through the cache: the assembly goes to a staging folder, then into the
// cache, and from there to the output folder. res.dir is the output folder as the user named it.
func (c *synthCache) synthesize(app *spec.App, specPath string, appProps *awscdk.AppProps, skipNag bool, addToStack func(*stacks.AppStack)) (synthResult, error) {
	if c == nil {
		return synthesize(app, specPath, appProps, skipNag, addToStack)
	}
	staging, err := c.cache.Stage()
	if err != nil {
		c.debugf("synth cache off: %v", err)
		return synthesize(app, specPath, appProps, skipNag, addToStack)
	}
	c.staging = staging
	props := *appProps
	props.Outdir = jsii.String(staging)
	res, err := synthesize(app, specPath, &props, skipNag, addToStack)
	if err != nil {
		return res, err
	}
	outDir := c.req.OutDir()
	res.dir = outDir
	if p, perr := c.cache.Prepare(c.key, staging); perr != nil {
		c.debugf("synth cache cannot store: %v", perr)
	} else if perr = p.Restore(outDir); perr != nil {
		c.debugf("synth cache cannot restore: %v", perr)
	} else {
		c.pending = p
		return res, nil
	}
	return res, synthcache.WriteDir(staging, outDir)
}

// publish makes this synthesis a hit for the next synth when it succeeded (err is nil) and its inputs
// are still those of the key, then removes the staging folder. It returns err.
func (c *synthCache) publish(err error) error {
	if c == nil {
		return err
	}
	if err == nil && c.pending != nil {
		now, kerr := c.cache.Key(&c.req, c.app)
		switch {
		case kerr != nil:
			c.debugf("synth cache not stored: %v", kerr)
		case now.Sum != c.key.Sum:
			c.debugf("synth cache not stored: an input changed while synth ran")
		default:
			if perr := c.pending.Publish(c.rec.Output()); perr != nil {
				c.debugf("synth cache not stored: %v", perr)
			}
		}
		c.cache.SaveMemo()
	}
	c.close()
	return err
}

// close removes the staging folder; publish calls it, and runSynth defers it for the error paths.
func (c *synthCache) close() {
	if c != nil && c.staging != "" {
		os.RemoveAll(c.staging)
		c.staging = ""
	}
}
