package spec

// Work is what one load took: see work.
type Work = work

// The budgets a load's work stays within.
const (
	MaxNodes     = maxNodes
	SyntaxBudget = syntaxBudget
)

// ParseWork is Parse, also returning the work the load took.
func ParseWork(name, dir string, data []byte, stage string) (*App, Work, error) {
	r := newReporter(name)
	app, err := parse(r, dir, data, stage)
	return app, r.work, err
}
